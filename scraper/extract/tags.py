"""Tags as the page's own subjects: the codes a CMS writes into the same fields are dropped.

Keywords meta tags and JSON-LD keywords carry, beside the subjects, what the CMS uses them for:
type and channel codes (`type_news`, `channel_other`), settings (`locale: US`,
`hasProduct: true`), entity-type annotations (`Mark Esper GOVERNMENT_FIGURE PERSON`),
placeholders (`Uncategorized`) and flags (`videoarticle`). Each kind is a table or a pattern
here, extended with one line.
"""

from __future__ import annotations

import re

# `key: value` tags whose value is the subject ("topic: White House" -> "White House").
SUBJECT_KEYS = frozenset(
    (
        "topic",
        "topics",
        "category",
        "categories",
        "tag",
        "tags",
        "subject",
        "subjects",
        "keyword",
        "keywords",
        "section",
        "subsection",
    )
)
# `key: value` settings ("locale: US", "source:tagname:CNBC"); camelCase keys are settings too.
SETTING_KEYS = frozenset(
    (
        "locale",
        "lang",
        "language",
        "source",
        "type",
        "channel",
        "template",
        "format",
        "content-type",
        "contenttype",
        "page-type",
        "pagetype",
        "layout",
        "region",
        "site",
        "id",
    )
)
# Placeholders, placement flags and one-word CMS codes (Future plc's), not subjects.
NOT_SUBJECTS = frozenset(
    (
        "uncategorized",
        "uncategorised",
        "featured",
        "front page",
        "front-page",
        "frontpage",
        "homepage",
        "home page",
        "all",
        "serversidehawk",
        "videoarticle",
    )
)

_KEY_VALUE = re.compile(r"^([^\s:]+)\s*:\s*(.*)$")  # a one-word key
_CAMEL_CASE = re.compile(r"^[a-z]+[A-Z]")  # hasProduct, displayType, contentId
_CODE = re.compile(r"^[^\s]*[_@][^\s]*$")  # one word with '_' or '@': type_news, @post-id:19
# Entity-type annotations a tagging service appends: "Chris Paul PROFESSIONAL_ATHLETE PERSON".
_ENTITY_TYPES = re.compile(r"(?:\s+(?:[A-Z]+_[A-Z_]+|PERSON|ORGANI[SZ]ATION|LOCATION))+$")


def subject_tag(raw: str) -> str | None:
    """The subject a raw tag names, tidied; None when it is a CMS code, setting or placeholder."""
    tag = " ".join(raw.split()).strip(" #,;")
    if "_" in tag and " " in tag:
        tag = _ENTITY_TYPES.sub("", tag).strip()
    match = _KEY_VALUE.match(tag)
    if match:
        key, value = match.groups()
        folded = key.casefold()
        if folded in SUBJECT_KEYS:
            tag = value.strip()
        elif folded in SETTING_KEYS or _CAMEL_CASE.match(key) or key.startswith(("@", "_")):
            return None
    if not tag or _CODE.match(tag) or tag.casefold() in NOT_SUBJECTS or len(tag) > 60:
        return None
    if " " not in tag and tag.isupper() and "_" in raw:
        return None  # what was left of an entity annotation with no name: "COACH SPORTS_FIGURE"
    return tag

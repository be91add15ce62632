"""Authors named by links to their pages: '<a href="/author/kimber-streams/">Kimber Streams</a>'.

Many templates show the byline as a link to the author's archive and nothing else says who wrote
the page (no markup, no 'By', no 'author' class). The link's path says what it is (a word of
`author_paths` in some language, then the author's slug), and the slug spells the name, which
tells an author's link from a 'More from our writers' one. The link next after the headline is
the article's (related articles' bylines come later); the links beside it in the same line are
its co-authors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from lxml import html as lxml_html

from scraper.extract.authors import (
    byline_line,
    byline_names,
    clean_authors,
    in_comments,
    looks_like_person,
    name_key,
    text_byline,
)
from scraper.extract.dates import find_date
from scraper.extract.evidence import PageEvidence, ld_text
from scraper.extract.languages import alternation, words

__all__ = ["author_links", "dated_name", "ld_authors", "shown_or_byline", "written_by"]

_AUTHOR_PATH = re.compile(
    r"/(?:" + alternation(words("author_paths")) + r")/([^/?#]{2,80})/?$", re.IGNORECASE
)
_OUTSIDE = frozenset(("nav", "footer", "aside", "form"))
_BLOCKS = frozenset(("p", "div", "li", "section", "header", "footer", "article", "ul", "td"))
# the links after the headline that are looked at; bylines sit in the first few
_AFTER = 40
_BEFORE = 12


def _outside_text(el: lxml_html.HtmlElement) -> bool:
    """Whether an element sits in a comment thread, a menu, a footer, an aside or a form."""
    return in_comments(el) or any(a.tag in _OUTSIDE for a in el.iterancestors())


def _path(href: str) -> str:
    """A link's path; none for a link that is no URL ('http://[x')."""
    try:
        return urlsplit(href).path
    except ValueError:
        return ""


def _slug_names(href: str, text: str) -> bool:
    """Whether the link's slug spells (part of) the name it shows: '/author/kstreams', 'K Streams'."""
    m = _AUTHOR_PATH.search(_path(href))
    if not m:
        return False
    slug = name_key(m.group(1))
    return any(len(k) >= 3 and k in slug for k in (name_key(w) for w in text.split()))


def _line(el: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    for anc in el.iterancestors():
        if anc.tag in _BLOCKS:
            return anc
    return None


def _candidates(anchor: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    after = anchor.xpath(f"following::a[@href][position() <= {_AFTER}]")
    before = anchor.xpath(f"preceding::a[@href][position() <= {_BEFORE}]")
    return list(after) + list(before)


def author_links(anchor: lxml_html.HtmlElement | None, exclude: Iterable[str]) -> tuple[str, ...]:
    """Names of the author links next to the headline (after it, else just before it)."""
    if anchor is None:
        return ()
    excluded = list(exclude)
    for link in _candidates(anchor):
        if not _AUTHOR_PATH.search(_path(link.get("href", ""))):
            continue  # most links lead elsewhere: the cheap test first
        text = " ".join(link.text_content().split())
        if not 2 <= len(text) <= 60 or not _slug_names(link.get("href", ""), text):
            continue
        if _outside_text(link):
            continue
        line = _line(link)
        peers = [link] if line is None else line.xpath(".//a[@href]")
        texts = [
            " ".join(a.text_content().split())
            for a in peers
            if _slug_names(a.get("href", ""), a.text_content())
        ]
        names = clean_authors(texts, exclude=excluded)
        if names:
            return names
    return ()


# the texts under the headline where a name beside the date is looked for
_UNDER = 6


def dated_name(p: PageEvidence, exclude: Iterable[str]) -> tuple[str, ...]:
    """A person's name standing alone under the headline beside the date ('2025-12-17 · Trond
    Teigen', 'Aaron Ricadela | Senior Writer | July 2, 2025'): the byline of a template that marks
    it with neither a class nor a 'By'. A name in a link that leads elsewhere than to an author's
    page is a section's or a tag's, and so is one after the date in its text ('Apr 21, 2017 |
    Products Liability')."""
    nodes = p.after_anchor()[:_UNDER]
    texts = [str(t) for t in nodes]
    dates = [find_date(t) for t in texts]
    excluded = list(exclude)
    for index, text in enumerate(texts):
        if not any(dates[max(0, index - 2) : index + 3]) or _in_other_link(nodes[index]):
            continue
        names = clean_authors([text], exclude=excluded)
        if len(names) != 1 or not looks_like_person(names[0]):
            continue
        own = dates[index]
        if own is None or text.find(names[0]) < own.start:
            return names
    return ()


def _in_other_link(node: Any) -> bool:
    """Whether a text node is a link's that leads elsewhere than to an author's page."""
    el = node.getparent()
    if el is not None and node.is_tail:
        el = el.getparent()
    if el is None:
        return False
    for a in (el, *el.iterancestors()):
        if a.tag == "a" and a.get("href"):
            return not _AUTHOR_PATH.search(_path(a.get("href", "")))
    return False


# leads of several words ('written by', 'écrit par'): a bare 'by' opens too many other phrases
_WRITTEN = tuple(
    form for lead in words("byline_leads") if " " in lead for form in (lead, lead.capitalize())
)


def written_by(p: PageEvidence, exclude: Iterable[str]) -> tuple[str, ...]:
    """People a 'Written by Jane Doe' line names anywhere in the page (an author box after the
    article), outside menus, asides, footers and comments, where it names someone else."""
    excluded = list(exclude)
    for node in p.text.nodes_with(_WRITTEN, limit=8):
        el = node.getparent()
        if el is None or _outside_text(el):
            continue
        names = byline_line(node, excluded)
        if names and all(looks_like_person(n) for n in names):
            return names
    return ()


def ld_authors(p: PageEvidence, exclude: Iterable[str]) -> list[str]:
    """The JSON-LD article's authors, without an Organization that is the site itself: a person
    may share the site's name (a personal site), the publisher credited as author may not."""
    value = p.article.get("author") or p.article.get("creator")
    own = {name_key(e) for e in exclude if e}
    items = []
    for item in value if isinstance(value, list) else [value]:
        node = p.resolve(item)
        kinds = node.get("@type") if isinstance(node, dict) else None
        kinds = kinds if isinstance(kinds, list) else [kinds]
        is_org = any(isinstance(k, str) and k.lower() == "organization" for k in kinds)
        if is_org and name_key(ld_text(node, "name") or "") in own:
            continue
        items.append(item)
    return p.people(items)


def shown_or_byline(
    names: tuple[str, ...], p: PageEvidence, exclude: Iterable[str]
) -> tuple[str, ...]:
    """The markup's authors, unless the page shows none of them and its byline (a 'By' line
    after the title, else a byline element) names other people: then the markup names the
    account that posted the page, the byline who wrote it. A byline sharing a family name with
    the markup ('Jeff Kaufman' for 'Jeff T. Kaufman') names the same person: the markup stays."""
    shown = p.text.text.casefold()
    if any(n.casefold() in shown for n in names):
        return names
    byline = text_byline(p.anchor, exclude) or byline_names(p.tree, exclude)
    if not byline or not all(looks_like_person(n) for n in byline):
        return names
    families = {name_key(n.split()[-1]) for n in names if n.split()}
    return names if any(name_key(n.split()[-1]) in families for n in byline) else byline

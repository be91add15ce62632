"""Author names from the raw strings pages put in bylines and metadata.

Bylines carry more than names: "By TOM KRISHER, AP Auto Writer", "Par Moon of Alabama",
"Victor Tangermann, Futurism", "by Bryan DeArdo @BryanDeArdo Nov 18, 2019 at 9:24 pm ET",
"Text: Лида Буслаева". `clean_authors` strips the lead-in words, dates, e-mail addresses, links
and handles, splits on "and" in several languages and on commas, drops job titles, the site's own
name and CMS accounts ("admin"), and dedupes, so every source of author evidence yields the same
kind of list. The words of every language come from scraper/extract/languages/.

On the page, `byline_names` reads the first byline-like element (without its date, section,
avatar or biography parts; a desk or an agency there ends the search, as later ones are other
articles'), and `text_byline` a 'By' line after the headline, a lead standing alone taking the
text after it. Links to author pages and the JSON-LD rules live in `bylines`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from scraper.extract.dates import find_date
from scraper.extract.languages import alternation, words
from scraper.extract.listitems import in_review_list, schema_type
from scraper.extract.phrases import opens_sentence, reads_as_phrase

__all__ = [
    "byline_line",
    "byline_names",
    "clean_authors",
    "in_comments",
    "itemprop_authors",
    "looks_like_person",
    "name_key",
    "split_author",
    "text_byline",
]

_LEADS = words("byline_leads")
# Lead-in words of a byline and labels before names ("By", "Par", "Von", "Texto:", "Author:").
_LEAD = re.compile(
    r"^(?:" + alternation(_LEADS + words("author_labels")) + r")(?!\w)\s*[:：\-–]?\s*",
    re.IGNORECASE,
)
# Separators between names: punctuation, a spaced dash, "and" in every language, a full stop.
_SPLIT = re.compile(
    r"\s*(?:[,;|/、，•·]|\s[-–—]\s|\s(?:&|" + alternation(words("and_words")) + r")\s"
    r"|(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<=\w\w)\.\s+(?=[^\W\d_]{2}))\s*",
    re.IGNORECASE,
)
_SPLIT_KEPT = re.compile(f"({_SPLIT.pattern})", re.IGNORECASE)
_AND = re.compile(r"^\s*(?:&|" + alternation(words("and_words")) + r")\s*$", re.IGNORECASE)
_JUNK = re.compile(
    r"\S+@\S+\.\w+|https?://\S+|www\.\S+|(?<!\w)@\w+|\b(?:"
    + alternation(words("byline_ends"))
    + r")\b.*$",
    re.IGNORECASE,
)
# A photo credit ("Photo: Jane Doe", "Foto: dpa", "Solen Feyissa on Unsplash") names no author.
_PHOTO = re.compile(
    r"(?:^|\s)(?:" + alternation(words("photo_credits")) + r")(?:\s*(?:by\b|:|：)|(?<=\.)\s).*$",
    re.IGNORECASE,
)
_PICTURE_LIBRARY = re.compile(
    r"\b(?:unsplash|getty\s*images|shutterstock|istock(?:photo)?|pexels|pixabay|adobe\s+stock)\b",
    re.IGNORECASE,
)
_SITE_CREDIT = re.compile(r"\b(?:" + alternation(words("site_credits")) + r")\b", re.IGNORECASE)
_TRAIL = re.compile(r"(?:\s+(?:" + alternation(words("date_leads")) + r"))+$", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:" + alternation(words("weekdays")) + r")\b\.?,?", re.IGNORECASE)
# Job titles after a name ("AP Auto Writer", "Live Science Contributor", "Opinion Columnist").
_ROLE_WORDS = frozenset(words("roles"))
# Accounts and desk lines that name no one.
_GENERIC = frozenset(words("desks"))
_ORGANISATION = frozenset(words("organisation_words"))
_PARTICLES = frozenset(words("name_particles"))
_HANDLE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+|\w*\d\w*(?:[.-]\w+)+")
# "sara.r.peter": a login made of the name's words, as e-mail addresses are ("Sara R Peter").
_DOTTED_LOGIN = re.compile(r"[a-z]+(?:\.[a-z]+)+")
_NAME_WORD = re.compile(
    r"^(?:[^\W\d_]\.|[^\W\d_]\.[^\W\d_]\.|(?:Mc|Mac|O')?[A-ZÀ-Ý][^\W\d_]*(?:[-'’][A-ZÀ-Ý]?[^\W\d_]+)?)$"
)


_DOMAIN_END = re.compile(r"\.(com|net|org|info|co\.uk)\b")
_THE = re.compile(r"^the\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """A comparison key: case, accents, punctuation, 'the' and '.com' ignored."""
    folded = name.casefold()
    if not folded.isascii():  # most names are: the accents' pass is skipped for them
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _DOMAIN_END.sub("", folded)
    return _NOT_WORD.sub("", _THE.sub("", folded))


def looks_like_person(name: str) -> bool:
    """Whether a name is shaped like a person's ('Sam Bossley', 'Jan van der Berg'), not an
    organisation's ('Global Research', 'Moon of Alabama', 'LinkNaija')."""
    words_ = name.split()
    if not 2 <= len(words_) <= 4:
        return False
    if any(w.casefold() in _ORGANISATION or w.casefold() in _GENERIC for w in words_):
        return False
    inner = words_[1:-1]
    return (
        all(_NAME_WORD.match(w) for w in (words_[0], words_[-1]))
        and all(_NAME_WORD.match(w) or w in _PARTICLES for w in inner)
        and not name.isupper()
    )


def _strip_dates(text: str) -> str:
    for _ in range(3):
        found = find_date(text)
        if found is None:
            break
        text = text[: found.start] + " " + text[found.end :]
    text = re.sub(r"\b[0-2]?\d[:.h][0-5]\d(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4}\b)?", " ", text)
    return _WEEKDAY.sub(" ", text)


def _fix_case(name: str) -> str:
    """'TOM KRISHER' -> 'Tom Krisher'; short all-caps initials ('AS') stay."""
    if name.isupper() and len(name) > 4:
        return " ".join(w.capitalize() if len(w) > 2 else w for w in name.title().split())
    return name


def _plausible(part: str, from_markup: bool = False) -> bool:
    """Whether a part of a byline names someone. Markup that states an author may name a team
    ("Podium Staff": an organisation the page gives as author) or a lower-case user name; in
    visible text those are desk lines and stray phrases ("following these simple steps")."""
    words = part.split()
    if not words or len(words) > 6 or len(part) > 60:
        return False
    key = part.casefold()
    if key in _GENERIC or "admin" in key:
        return False
    if not from_markup and (
        words[-1].casefold() in _GENERIC or (len(words) > 1 and words[0][0].islower())
    ):
        return False
    if any(w.casefold().strip(".,") in _ROLE_WORDS for w in words):
        return False
    if any(c.isdigit() for c in part) and len(words) > 1:
        return False
    if _HANDLE.fullmatch(part):
        return False  # "brandon-peaktwo", "3d23d65-ddc6": a URL's slug, not a name
    return any(c.isalpha() for c in part)


def _without_title(part: str) -> str:
    """'Keith Barry Senior Autos Reporter' -> 'Keith Barry': a byline's first name with its job
    title written after it, no comma between ('Stephen Jesudunsin AI Writer': 'AI' is the
    title's too). Later parts are left whole: there a title stands alone ('Tom Krisher, AP Auto
    Writer') and is dropped as one."""
    words_ = part.split()
    for i, word in enumerate(words_[2:], start=2):
        if word.casefold().strip(".,") in _ROLE_WORDS:
            head = words_[:i]
            while len(head) > 2 and head[-1].isupper():
                head.pop()
            return " ".join(head) if looks_like_person(" ".join(head)) else part
    return part


def _once(part: str) -> str:
    """'Loona Construction Loona Construction': a name repeated by the page's markup, once."""
    words_ = part.split()
    for size in range(1, len(words_) // 2 + 1):
        if len(words_) % size == 0 and words_ == words_[:size] * (len(words_) // size):
            return " ".join(words_[:size])
    return part


def _fix_mojibake(text: str) -> str:
    """'Dariusz JaroÅ\x84' -> 'Dariusz Jaroń': UTF-8 read as Latin-1 by the page's own code."""
    if not re.search("[ÃÅÄÐÑ][\x80-\xbf]", text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def split_author(raw: str, *, from_markup: bool = False) -> list[str]:
    """The names in one raw author string."""
    text = _fix_mojibake(unicodedata.normalize("NFKC", raw or "").strip())
    if not text or re.match(r"^(https?:|www\.|/)", text) or len(text) > 300:
        return []
    text = _PHOTO.sub(" ", _JUNK.sub(" ", text))
    if _PICTURE_LIBRARY.search(text) or _SITE_CREDIT.search(text):
        return []  # "Jane Doe / Getty Images", "Websites by CivicPlus": pictures and sites
    text = " ".join(_strip_dates(text).split())
    names: list[str] = []
    pieces = _SPLIT_KEPT.split(text)
    in_title = False
    for index, part in enumerate(pieces[0::2]):
        if in_title and _AND.match(pieces[2 * index - 1]):
            continue  # "Head of Marketing and Community Development": the title goes on
        in_title = any(w.casefold().strip(".,") in _ROLE_WORDS for w in part.split())
        part = part.strip(" .,:;-–—|·•()[]\"'«»")
        for _ in range(2):  # "Posted by", "Words by:" -- lead-ins may stack
            part = _LEAD.sub("", part).strip(" .,:;-–—|")
        part = _once(_TRAIL.sub("", part))
        if _DOTTED_LOGIN.fullmatch(part):
            part = " ".join(w.capitalize() for w in part.split("."))
        if index == 0:
            if not from_markup and opens_sentence(part, pieces[2::2]):
                return []  # 'By default, items only show up...'
            part = _without_title(part)
        if not from_markup and not in_title and reads_as_phrase(part):
            if not names:  # 'Photos which were released online show ... Kate Henshaw'
                return []  # a sentence; after a name, a biography ('4+ years covering')
            continue
        if _plausible(part, from_markup):
            names.append(_fix_case(part))
    if not from_markup and len(names) > 1:
        # beside people's names, a lone lower-case word is a topic ("software"), not a user name;
        # single words only ("Wellness & Prevention") are a section's topics, not people
        names = [n for n in names if not (n.islower() and len(n.split()) == 1)] or names
        if len(names) > 1 and all(len(n.split()) == 1 for n in names):
            return []
    return names


def names_a_desk(raw: str) -> bool:
    """Whether a byline names a desk or an agency ('Associated Press', 'Reuters, Washington'):
    then the page names no person, and later bylines are other articles'."""
    for part in _SPLIT.split(" ".join(unicodedata.normalize("NFKC", raw).split())):
        part = _LEAD.sub("", part.strip(" .,:;-–—|·•()[]\"'")).strip(" .,:;-–—|")
        if part.casefold() in _GENERIC:
            return True
    return False


def clean_authors(
    raws: Iterable[str], *, exclude: Iterable[str] = (), from_markup: bool = False
) -> tuple[str, ...]:
    """Cleaned, deduplicated author names; names equal to one in `exclude` (the site's own
    name, the credited source) are dropped. `from_markup`: the raws are what the markup states
    is the author (JSON-LD, meta, itemprop), where a person's name stays even when it is the
    site's (a personal site: 'Sam Bossley' on bossley.com) and a team may be named."""
    excluded = {name_key(e) for e in exclude if e}
    excluded.discard("")
    seen: dict[str, str] = {}
    for raw in raws:
        for name in split_author(raw, from_markup=from_markup):
            key = name_key(name)
            if not key or key in seen:
                continue
            if key not in excluded or (from_markup and looks_like_person(name)):
                seen[key] = name
    return tuple(seen.values())


_BYLINE = etree.XPath(
    "//*[@rel='author' or contains(@class,'byline') or contains(@class,'Byline') or "
    "contains(@class,'author') or contains(@class,'Author') or contains(@id,'byline') or "
    "contains(@class,'posted-by') or contains(@class,'autor') or contains(@class,'auteur')]"
    # "authorization-link": a sign-in link; "authorities-...": a menu item
    "[not(contains(@class,'authoriz') or contains(@class,'authorit'))]"
)
_ITEMPROP_AUTHOR = etree.XPath("//*[@itemprop='author' or @itemprop='creator']")
_BYLINE_START = re.compile(
    r"^\s*(?:(?:" + alternation(_LEADS) + r")\b\s*[:：]?\s*(?:\S|$)"
    r"|(?:" + alternation(words("author_labels")) + r")\s*(?:[:：]|$))",
    re.IGNORECASE,
)
# A lead or label standing alone ("Written by", "Author:"): the name is in the next text.
_LEAD_ALONE = re.compile(
    r"^\s*(?:" + alternation(_LEADS + words("author_labels")) + r")\s*[:：]?\s*$", re.IGNORECASE
)
# Parts of a byline box that hold no name: its date, section, avatar, job title or biography.
_NOT_NAME_PARTS = frozenset(
    (
        "avatar",
        "categories",
        "category",
        "date",
        "datetime",
        "job",
        "jobtitle",
        "position",
        "reading",
        "readtime",
        "role",
        "section",
        "separator",
        "tag",
        "tags",
        "time",
        "timestamp",
    )
)
# An author box's biography: a byline only where it opens with a lead ("Written by ...").
_PROSE = frozenset(("bio", "biography", "desc", "description"))
_CLASS_WORD = re.compile(r"[^a-z]+")
_MENUS = frozenset(("menu", "submenu", "navbar", "navigation"))


# "Roy, Aniruddha": a citation's one author, family name first.
_FAMILY_FIRST = re.compile(
    r"^([^\W\d_][\w'’-]+),\s*([^\W\d_][\w.'’-]*(?:\s[^\W\d_][\w.'’-]*){0,2})$"
)
_ONE_PER_VALUE = frozenset(("citation_author", "citation_authors", "dc.creator", "dcterms.creator"))


def meta_authors(meta: dict[str, list[str]], keys: Iterable[str]) -> list[str]:
    """Author meta values in the order of `keys`, then a Slack-style label pair naming the
    author (twitter:label1 "Written by", twitter:data1 "Chase Bernath"). A citation_author or
    dc.creator value names one person, written family name first ("Roy, Aniruddha")."""
    out = []
    for key in keys:
        for value in meta.get(key, ()):
            flipped = _FAMILY_FIRST.match(value.strip()) if key in _ONE_PER_VALUE else None
            out.append(f"{flipped[2]} {flipped[1]}" if flipped else value)
    for n in range(1, 5):
        labels, data = meta.get(f"twitter:label{n}", ()), meta.get(f"twitter:data{n}", ())
        if labels and data and _LEAD_ALONE.match(labels[0]):
            out.append(data[0])
    return out


def in_comments(el: lxml_html.HtmlElement) -> bool:
    """Whether an element sits in a comment thread (whose authors are not the article's), or in
    an item its microdata types as a comment or an answer (a forum's replies)."""
    for anc in el.iterancestors():
        marks = f"{anc.get('class', '')} {anc.get('id', '')}".lower()
        if "comment" in marks or "respond" in marks:
            return True
        if schema_type(anc) in ("Comment", "Answer"):
            return True
    return False


def itemprop_authors(tree: lxml_html.HtmlElement) -> list[str]:
    """Microdata authors outside comment threads: itemprop=name inside, else content or text."""
    out = []
    for el in _ITEMPROP_AUTHOR(tree)[:6]:
        if in_comments(el) or in_review_list(el):
            continue
        named = el.xpath(".//*[@itemprop='name']")
        target = named[0] if named else el
        value = target.get("content") or " ".join(target.text_content().split())
        if value:
            out.append(value)
    return out


def _marks(el: lxml_html.HtmlElement) -> set[str]:
    """The words of an element's class and id ('byline__category' -> {'byline', 'category'})."""
    return set(_CLASS_WORD.split(f"{el.get('class', '')} {el.get('id', '')}".lower()))


def _name_text(el: lxml_html.HtmlElement) -> str:
    """A byline element's text without its parts that hold no name (date, section, bio)."""
    # the list keeps lxml's proxies alive, so the ids stay theirs while the text is read
    marked = [
        d
        for d in el.iterdescendants()
        if isinstance(d.tag, str) and _marks(d) & (_NOT_NAME_PARTS | _PROSE)
    ]
    texts = _ordered_text(el, {id(d) for d in marked})
    return " ".join(" ".join(texts).split())


def _ordered_text(el: lxml_html.HtmlElement, skip: set[int]) -> Iterable[str]:
    """The texts of an element in reading order, without the subtrees in `skip`; a line break
    parts names as a comma does ('Written by<br>Adrien Ramirez, 4+ years covering hardware<br>
    Joanna Nelius, senior editor')."""
    if id(el) not in skip and isinstance(el.tag, str):
        yield ";" if el.tag == "br" else el.text or ""
        for child in el:
            yield from _ordered_text(child, skip)
            yield child.tail or ""


def _in_menu(el: lxml_html.HtmlElement) -> bool:
    """Whether an element is a menu's item ('authorities-board' in a site's navigation)."""
    for a in el.iterancestors():
        if a.tag == "nav" or (a.tag not in ("body", "html") and _marks(a) & _MENUS):
            return True
    return bool(_marks(el) & _MENUS)


def byline_names(tree: lxml_html.HtmlElement, exclude: Iterable[str]) -> tuple[str, ...]:
    """Names from the first byline-like element (class or rel 'author'/'byline') that has any.
    An element marked as the byline's date, section or biography is no byline."""
    excluded = list(exclude)
    found = [el for el in _BYLINE(tree)[:12] if not _marks(el) & _NOT_NAME_PARTS]
    containers = {id(a) for el in found for a in el.iterancestors()}
    # the innermost byline elements hold the names without the chrome; where they hold none
    # ("By" alone in its own span), their containers are read
    inner = [el for el in found if id(el) not in containers]
    outer = [el for el in found if id(el) in containers]
    for el in inner + outer:
        if in_comments(el) or _in_menu(el):
            continue
        text = _name_text(el)
        if _marks(el) & _PROSE and not _BYLINE_START.match(text):
            continue
        if 2 <= len(text) <= 200:
            names = clean_authors([text], exclude=excluded)
            if names or names_a_desk(text):
                return names
    return ()


_INLINE = frozenset(("a", "span", "em", "strong", "b", "i", "u", "small", "font", "abbr", "time"))


def _line_text(node: Any) -> str:
    """The line a text node belongs to: its nearest block element's text ('<p>By <a>Jane</a>'),
    climbing further while the line is a lead alone ('<p>Written by</p><p>Jane Doe</p>')."""
    el = node.getparent()
    if el is not None and node.is_tail:
        el = el.getparent()
    while el is not None and el.tag in _INLINE and el.getparent() is not None:
        el = el.getparent()
    text = " ".join(" ".join(el.itertext()).split()) if el is not None else ""
    for _ in range(2):
        if el is None or not _LEAD_ALONE.match(text) or el.getparent() is None:
            break
        outer = " ".join(" ".join(el.getparent().itertext()).split())
        if len(outer) > 200 or not _BYLINE_START.match(outer):
            break  # the lead's own line is all there is: the caller reads the next text
        el, text = el.getparent(), outer
    return text if 0 < len(text) <= 200 else " ".join(str(node).split())


def _next_names(node: Any) -> str:
    """The names after a lead standing alone: the next text, or every item of the list it opens
    ('Author(s)' over '<ul><li>John A. Alic</li><li>David C. Mowery</li></ul>')."""
    item = node.getparent()
    for _ in range(2):
        if item is None or item.tag == "li":
            break
        item = item.getparent()
    if item is None or item.tag != "li" or item.getparent() is None:
        return " ".join(str(node).split())
    items = (" ".join(li.text_content().split()) for li in item.getparent().iterchildren("li"))
    return "; ".join(items)[:300]


def byline_line(node: Any, exclude: Iterable[str]) -> tuple[str, ...]:
    """Names of the byline a text node opens, its line read whole ('<p>Written by <a>Jane
    Doe</a></p>'); none where the line only opens with a lead standing alone."""
    text = _line_text(node)
    if not _BYLINE_START.match(text) or _LEAD_ALONE.match(text):
        return ()
    return clean_authors([text], exclude=exclude)


def text_byline(anchor: lxml_html.HtmlElement | None, exclude: Iterable[str]) -> tuple[str, ...]:
    """Names of a 'By Jane Doe' / 'Par Moon of Alabama' / 'Author: ...' line among the first
    texts after the headline; a lead standing alone ('Written by') takes the next text as its
    name. A lead inside a sentence ('Try it yourself by printing') opens no byline."""
    if anchor is None:
        return ()
    excluded = list(exclude)
    # text a reader sees: not the code of a <script> or <style> in the body
    shown = "[normalize-space()][not(parent::script or parent::style)]"
    nodes = anchor.xpath(f"following::text(){shown}[position() <= 25]")
    for index, node in enumerate(nodes):
        if not _BYLINE_START.match(node):
            continue
        text = _line_text(node)
        if not _BYLINE_START.match(text):
            continue
        if _LEAD_ALONE.match(text) and index + 1 < len(nodes):
            text = f"{text} {_next_names(nodes[index + 1])}"
        names = clean_authors([text], exclude=excluded)
        if names:
            return names
    return ()

"""The original a page credits: attribution lines and cross-domain canonical links.

Republishing sites say where an article first ran ("The original source of this article is
Global Research", "Dieser Artikel erschien zuerst bei ...") and often link it. Grouping
republications and cleaning bodies both need that credit, and the exact lines, as metadata.

The patterns are data: each language's `credits` in scraper/extract/languages/ (collected in
`CREDIT_PATTERNS`); to support a new phrasing add a line there and an example to
tests/test_attribution.py. A credit to the page's own site ("Originally
published on Live Science" on livescience.com) is not a credit, nor is "reprinted on X" (a copy).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from scraper.extract.authors import name_key
from scraper.extract.dates import find_date
from scraper.extract.languages import alternation, patterns, words

__all__ = [
    "CREDIT_PATTERNS",
    "Credit",
    "canonical_credit",
    "copyright_lines",
    "find_credits",
    "site_key",
    "VisibleText",
]

# (language, pattern): a credit line starts with the pattern; group `name` is the credited source.
CREDIT_PATTERNS: list[tuple[str, str]] = patterns("credits")
_CREDIT = [re.compile(r"(?:^|(?<=[.!?:]\s))[\W_]{0,4}" + p, re.I) for _, p in CREDIT_PATTERNS]
# Fragments whose presence makes a text node a candidate line (first letter left out: any case).
_TRIGGERS = words("credit_triggers")
_NAME_END = re.compile(
    r"\.\s|\s[-–—|]\s|\s\(|;|,\s|\s(?:" + alternation(words("credit_name_ends")) + r")\s"
    r"|\.$|!|\?$",
    re.I,
)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "td",
        "dd",
        "dt",
        "blockquote",
        "section",
        "footer",
        "article",
        "aside",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "center",
        "body",
    ]
)
_LINK_HINT = re.compile(alternation(words("link_hints")), re.I)
_NOT_SOURCES = re.compile(r"facebook\.com/shar|twitter\.com/(?:intent|share)|mailto:|javascript:")


@dataclass(frozen=True)
class Credit:
    """An attribution: the line as the page wrote it, the source named, the URL linked."""

    line: str | None
    source: str | None
    url: str | None


def site_key(url: str | None) -> str | None:
    """The registrable part of a URL's host ('www.bbc.co.uk' -> 'bbc.co.uk'), to tell sites apart."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = host.removeprefix("www.").split(".")
    if len(labels) < 2:
        return host or None
    size = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SLD else 2
    return ".".join(labels[-size:])


_SLD = frozenset(["co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "go", "gob"])


def _text(el: lxml_html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def _line_of(node: lxml_html.HtmlElement) -> lxml_html.HtmlElement:
    """The block element holding a text node's element: the credit's 'line'."""
    el = node
    while el.tag not in _BLOCKS and el.getparent() is not None:
        el = el.getparent()
    return el


def _links(block: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """Links in the line, else in what follows it (a logo or 'Read the original' just after)."""
    found = block.xpath(".//a[@href]")
    el: lxml_html.HtmlElement | None = block
    for _ in range(3):
        if found or el is None:
            break
        sibling = el.getnext()
        while sibling is not None and not found:
            found = sibling.xpath("descendant-or-self::a[@href]")
            sibling = sibling.getnext() if not found else sibling
        el = el.getparent()
    return found


def _best_link(
    links: list[lxml_html.HtmlElement], base: str | None, name: str | None
) -> tuple[str | None, str | None]:
    """The likeliest link to the original: off-site, deep, and labelled 'original' or the name."""
    own = site_key(base)
    best: tuple[int, str, str] | None = None
    for a in links:
        href = urljoin(base or "", a.get("href", "").strip())
        if not href.startswith("http") or _NOT_SOURCES.search(href):
            continue
        if own and site_key(href) == own:
            continue
        label = _text(a) or " ".join(a.xpath(".//img/@title | .//img/@alt"))
        path = urlsplit(href).path.strip("/")
        score = 2 * bool(_LINK_HINT.search(label)) + bool(path) + path.count("/")
        if name and label and name_key(label) == name_key(name):
            score += 2
        if best is None or score > best[0]:
            best = (score, href, label)
    return (best[1], best[2] or None) if best else (None, None)


def _source_name(raw: str | None) -> str | None:
    if not raw:
        return None
    dated = find_date(raw[:60])
    if dated and dated.start <= 3:
        return None  # "First published on 19 November 2019": a date, not a name
    name = _NAME_END.split(raw.strip(), maxsplit=1)[0].strip(" .,:;\"'«»“”")
    if not name or len(name) > 80 or find_date(name) or name[0].isdigit():
        return None
    return name


_VISIBLE = etree.XPath(
    "//body//text()[normalize-space()][not(parent::script) and not(parent::style)]"
)


class VisibleText:
    """The page's text nodes outside scripts and styles, joined once, to find words in.

    Why: str.find over the joined text runs in C, as does the XPath collecting the nodes (~1 ms
    together); a regex with many alternatives over the raw page, or XPath contains() per needle,
    costs 5-25 ms a page.
    """

    def __init__(self, tree: lxml_html.HtmlElement) -> None:
        self.nodes: list[Any] = _VISIBLE(tree)
        self.text = "".join(self.nodes)
        self.starts = list(accumulate(map(len, self.nodes), initial=0))

    def nodes_with(self, needles: Iterable[str], limit: int = 40) -> list[Any]:
        """Text nodes containing one of `needles` (exact strings), in document order."""
        found: set[int] = set()
        for needle in needles:
            pos = self.text.find(needle)
            while pos >= 0 and len(found) < limit:
                found.add(bisect_right(self.starts, pos) - 1)
                pos = self.text.find(needle, pos + len(needle))
        return [self.nodes[i] for i in sorted(found)]


def find_credits(
    text: VisibleText | lxml_html.HtmlElement, base_url: str | None, own_names: Iterable[str] = ()
) -> list[Credit]:
    """Every attribution line in the page, first first, with the source named and linked."""
    if not isinstance(text, VisibleText):
        text = VisibleText(text)
    own = {name_key(n) for n in own_names if n}
    own_site = site_key(base_url)
    if own_site:
        own.add(name_key(own_site.split(".")[0]))
    credits: list[Credit] = []
    seen: set[int] = set()
    for node in text.nodes_with(_TRIGGERS):
        block = _line_of(node.getparent())
        if id(block) in seen:
            continue
        seen.add(id(block))
        line = _text(block)
        if len(line) > 600:
            line = " ".join(str(node).split())
        for pattern in _CREDIT:
            m = pattern.search(line)
            if not m:
                continue
            raw_name = m.groupdict().get("name")
            name = _source_name(raw_name)
            if raw_name and name is None:
                break  # "First published on 19 November 2019": a date, not a credit
            url, label = _best_link(_links(block), base_url, name)
            name = name or label
            if (name and name_key(name) in own) or (url and site_key(url) == own_site):
                break  # the page crediting itself
            credits.append(Credit(line, name, url))
            break
    return credits


def copyright_lines(text: VisibleText, sources: Iterable[str]) -> list[str]:
    """'Copyright © Moon of Alabama, 2016' lines naming a credited source: credit lines too."""
    keys = [k for k in (name_key(s) for s in sources if s) if k]
    lines: list[str] = []
    if not keys:
        return lines
    for node in text.nodes_with(("Copyright", "©")):
        line = _text(_line_of(node.getparent()))
        named = any(k in name_key(line) for k in keys)
        if len(line) <= 200 and re.match(r"^(?:copyright|©)", line, re.I) and named:
            lines.append(line)
    return list(dict.fromkeys(lines))


def canonical_credit(canonical: str | None, url: str | None) -> Credit | None:
    """A rel=canonical on another site names the original; on the same site it names nothing."""
    if canonical and url and site_key(canonical) and site_key(canonical) != site_key(url):
        return Credit(None, None, canonical)
    return None

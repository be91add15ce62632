"""What an article page offers as evidence, gathered once from one parse.

`PageEvidence` reads the meta tags, links, JSON-LD (with @graph and @id references), headings,
`<time>` elements, visible dates next to the headline and labelled tag lists; the field rules in
`metadata` and `titles` only choose among them.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any
from urllib.parse import urljoin

import lxml.html

from scraper.extract.attribution import VisibleText, site_key
from scraper.extract.authors import in_comments, name_key

__all__ = ["PageEvidence", "first", "ld_image", "ld_text"]


_ARTICLE_TYPES = frozenset(
    (
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "socialmediaposting",
        "review",
    )
)
# Labels of tag lists as pages write them ("Thème :", "Schlagwörter:").
_LABELS = (
    "Tags",
    "Tag:",
    "TAGS",
    "Tagged",
    "Topics",
    "Thème",
    "Région",
    "Mots-clés",
    "Mots clés",
    "Schlagwörter",
    "Stichwörter",
    "Themen:",
    "Etiquetas",
    "Temas:",
    "Categories:",
    "Catégories",
    "Kategorien",
    "Filed under",
    "Rubrique",
    "Keywords",
    "Sujets",
)
_LABEL_WORDS = re.compile(
    r"^\s*(?:tags?|tagged|topics?|thèmes?|régions?|mots[- ]clés|schlagwörter|stichwörter|themen|"
    r"etiquetas|temas|categories|catégories|kategorien|filed under|rubriques?|keywords|sujets)"
    r"\s*(?:\xa0)?:",
    re.IGNORECASE,
)
_LABEL_START = re.compile(r"^\s*[^\W\d_][\w\s-]{1,20}?\s*:\s*", re.UNICODE)
_HEADINGS = (
    "//h2|//h3|//dt|//*[contains(@class,'title') or contains(@class,'titulo') or "
    "contains(@class,'headline')][not(self::meta) and not(self::link)]"
)
# Text nodes a reader sees: not empty, not the code of a <script> or <style> in the body.
_SHOWN = "[normalize-space()][not(parent::script or parent::style)]"
_DATE_TEXTS = "//*[@itemprop='datePublished'][not(@content) and not(@datetime)]"
_NOISE = frozenset(("nav", "footer", "aside", "form", "a"))


def ld_text(obj: Any, key: str) -> str | None:
    """A JSON-LD property as text: strings, {"@value"}/{"name"} objects, first of a list."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return " ".join(html_lib.unescape(value).split()) or None if isinstance(value, str) else None


def ld_image(obj: dict[str, Any]) -> str | None:
    value = obj.get("image") or obj.get("thumbnailUrl")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value if isinstance(value, str) else None


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _json(text: str) -> Any:
    """JSON-LD as pages write it: with trailing commas, raw newlines, HTML comments."""
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", text), strict=False)
        except ValueError:
            return None


def _site_of(base: str | None, href: str) -> str | None:
    """The site a link leads to; a link no URL parser reads (`http://[x`) leads nowhere."""
    try:
        return site_key(urljoin(base or "", href))
    except ValueError:
        return None


class PageEvidence:
    """Every piece of evidence the page offers, gathered once from one parse."""

    def __init__(self, tree: lxml.html.HtmlElement, raw: str, url: str | None) -> None:
        self.tree, self.raw, self.url = tree, raw, url
        self.text = VisibleText(tree)
        self.meta: dict[str, list[str]] = {}
        for m in tree.iter("meta"):
            key = m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv")
            content = (m.get("content") or "").strip()
            if key and content:
                self.meta.setdefault(key.strip().lower(), []).append(content)
        self.links: dict[str, str] = {}
        for link in tree.xpath("//link[@rel and @href]"):
            for rel in link.get("rel", "").lower().split():
                self.links.setdefault(rel, link.get("href", ""))
        title = tree.find(".//title")
        self.title = " ".join(title.text_content().split()) if title is not None else None
        self.lang = tree.get("lang") or tree.get("xml:lang")
        self.ld: list[dict[str, Any]] = []
        for script in tree.xpath("//script[@type='application/ld+json']"):
            self._flatten(_json(script.text or ""))
        self.ids = {o["@id"]: o for o in self.ld if isinstance(o.get("@id"), str)}
        self.article: dict[str, Any] = next(
            (o for o in self.ld if _types(o) & _ARTICLE_TYPES),
            next((o for o in self.ld if "headline" in o or "datePublished" in o), {}),
        )
        self.h1_elements = [h for h in tree.iter("h1") if not self._in_noise(h)][:5]
        self.h1s = [
            t for h in self.h1_elements if 2 < len(t := " ".join(h.text_content().split())) < 300
        ]
        self.h1 = next((h for h in self.h1_elements if " ".join(h.text_content().split())), None)
        self.anchor = self.h1  # the headline element; `find_anchor` moves it to the real one
        self._times = [t for t in tree.iter("time") if not in_comments(t)][:10]
        self._time_values: list[str] | None = None
        self._after: list[Any] | None = None  # text nodes after the anchor, read once

    def _flatten(self, value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                self._flatten(item)
        elif isinstance(value, dict):
            self.ld.append(value)
            self._flatten(value.get("@graph"))

    def _in_noise(self, el: lxml.html.HtmlElement) -> bool:
        """An <h1> that is no headline: a logo, in navigation or a footer, or a link elsewhere."""
        if any(a.tag in _NOISE for a in el.iterancestors()):
            return True
        if el.xpath(".//img") and len(el.text_content().split()) < 3:
            return True
        own = site_key(self.url)
        sites = {_site_of(self.url, href) for href in el.xpath(".//a/@href")} - {None}
        return bool(own) and any(site != own for site in sites)

    def meta1(self, key: str) -> str | None:
        values = self.meta.get(key)
        return " ".join(values[0].split()) if values else None

    def link(self, rel: str) -> str | None:
        return self.links.get(rel)

    def resolve(self, value: Any) -> Any:
        """A JSON-LD node, following {"@id": ...} references into @graph."""
        if isinstance(value, dict) and "@id" in value and len(value) <= 2:
            return self.ids.get(value["@id"], value)
        return value

    def people(self, value: Any) -> list[str]:
        out = []
        for item in value if isinstance(value, list) else [value]:
            item = self.resolve(item)
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                name = ld_text(item, "name") or " ".join(
                    n for n in (item.get("givenName"), item.get("familyName")) if isinstance(n, str)
                )
                if name:
                    out.append(name)
        return out

    def time_attrs(self) -> list[str]:
        """`<time datetime>` and itemprop=datePublished values, the publication-marked first."""
        if self._time_values is None:
            self._time_values = self._find_time_attrs()
        return self._time_values

    def _find_time_attrs(self) -> list[str]:
        marked: list[str] = []
        other: list[str] = []
        for el in self._times + self.tree.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
            value = el.get("datetime") or el.get("content")
            if not value or in_comments(el):
                continue
            marks = f"{el.get('class', '')} {el.get('itemprop', '')}".lower()
            is_marked = "publish" in marks or el.get("pubdate") is not None
            (marked if is_marked else other).append(value)
        return marked + other

    def find_anchor(self, title: str | None) -> None:
        """The element showing the headline (an <h1>, else a heading or '.title' with its text):
        bylines and visible dates are looked for next to it."""
        key = name_key(title or "")
        if not key:
            return
        for el in self.h1_elements:
            if name_key(el.text_content()) == key:
                self.anchor, self._after = el, None
                return
        for el in self.tree.xpath(_HEADINGS)[:40]:
            if name_key(el.text_content()) == key:
                self.anchor, self._after = el, None
                return

    def after_anchor(self) -> list[Any]:
        """The first 20 text nodes readers see after the headline (none without one): where
        bylines and shown dates are; read once for every rule that looks there."""
        if self._after is None:
            shown = f"following::text(){_SHOWN}[position() <= 20]"
            self._after = [] if self.anchor is None else self.anchor.xpath(shown)
        return self._after

    def time_texts(self) -> list[str]:
        """What readers see of the page's `<time>` elements (not the comments')."""
        return [" ".join(t.text_content().split()) for t in self._times]

    def visible_dates(self) -> list[str]:
        """Dates as readers see them: itemprop/`<time>` texts, the text after the headline, then
        the text just before it."""
        texts = [" ".join(t.text_content().split()) for t in self.tree.xpath(_DATE_TEXTS)[:3]]
        texts += self.time_texts()
        if self.anchor is not None:
            after = self.after_anchor()
            before = self.anchor.xpath(f"preceding::text(){_SHOWN}[position() <= 12]")
            texts.append(" ".join(" ".join(after).split())[:400])
            texts.append(" ".join(" ".join(before).split())[-300:])
        return [t for t in texts if t]

    def rel_tags(self) -> list[str]:
        links = self.tree.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]")
        return [" ".join(a.text_content().split()) for a in links[:30]]

    def labelled_lists(self) -> list[str]:
        """Items of lists labelled 'Tags:', 'Thème :', 'Schlagwörter:' ... (links, else text)."""
        out: list[str] = []
        for node in self.text.nodes_with(_LABELS):
            if not _LABEL_WORDS.match(node) or len(node) > 200:
                continue
            block = node.getparent()
            while block is not None and block.tag in ("strong", "b", "em", "span", "i", "label"):
                block = block.getparent()
            if block is None or any(a.tag == "nav" for a in block.iterancestors()):
                continue
            links = block.xpath(".//a")
            if 0 < len(links) <= 25:
                out.extend(" ".join(a.text_content().split()) for a in links)
            elif not links:
                text = " ".join(block.text_content().split())
                out.extend(_LABEL_START.sub("", text, count=1).split(","))
        return out


def first(*values: str | None) -> str | None:
    """The first value given."""
    return next((v for v in values if v), None)

"""An article page's metadata, from every evidence source it offers, with a fixed precedence.

Evidence: JSON-LD (incl. @graph, arrays and @id references), OpenGraph, Twitter cards, meta tags
(author, article:*, dc.*, parsely, sailthru, citation_*), microdata (itemprop), `<time>`, bylines
and labelled lists in the text, attribution lines, the URL, and the feed entry. `PRECEDENCE`
below says which wins per field; structured data beats visible text because it is written for
machines, except for the title, where the headline readers see (the `<h1>`) wins when it agrees
with a metadata title (`og:title` often carries SEO wording or " | Site" suffixes).

Dates keep the page's own offset; a time without a zone is taken in the zone the page states
elsewhere, else UTC. When a UTC timestamp and the visible date show the same instant, the visible
local time is kept, so `published.date()` is the day readers saw.

One lxml parse, no network, ~4-5 ms of CPU a page; `extract_metadata` never raises.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from scraper.extract.attribution import (
    VisibleText,
    canonical_credit,
    copyright_lines,
    find_credits,
    site_key,
)
from scraper.extract.authors import (
    byline_names,
    clean_authors,
    in_comments,
    itemprop_authors,
    name_key,
    text_byline,
)
from scraper.extract.dates import (
    find_date,
    localise,
    page_zone,
    parse_date,
    second_opinion,
    url_date,
)
from scraper.extract.language import choose_language
from scraper.extract.tags import subject_tag
from scraper.models import FeedEntry, Metadata

__all__ = ["PRECEDENCE", "extract_metadata"]

# Field -> evidence sources, strongest first. The code below follows this order.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": ("<h1> agreeing with a metadata title", "first headline-like <h1>",
              "JSON-LD headline", "og:title", "twitter:title", "<title>", "feed entry"),
    "authors": ("JSON-LD author", "meta author/article:author/dc.creator/parsely/sailthru/"
                "citation_author", "itemprop=author", "byline elements (class/rel author)",
                "'By ...' text after the title", "feed entry"),
    "published": ("JSON-LD datePublished", "article:published_time & similar meta",
                  "<time> in the article/byline", "date in the URL", "feed entry",
                  "visible date after the title", "htmldate's guess"),
    "updated": ("JSON-LD dateModified", "article:modified_time & similar meta", "feed entry"),
    "language": ("<html lang>", "content-language / dc.language meta", "og:locale",
                 "JSON-LD inLanguage", "feed entry", "py3langid on body_text"),
    "tags": ("article:tag", "keywords/news_keywords/parsely/sailthru meta", "JSON-LD keywords",
             "JSON-LD articleSection", "rel=tag links", "labelled lists ('Tags:', 'Thème :')",
             "feed entry"),
    "canonical_url": ("link rel=canonical", "og:url", "JSON-LD url"),
    "description": ("og:description", "meta description", "twitter:description",
                    "JSON-LD description", "dc.description", "feed entry summary"),
    "image": ("og:image", "twitter:image", "JSON-LD image", "link rel=image_src"),
    "site_name": ("og:site_name", "JSON-LD publisher name", "application-name"),
    "original": ("attribution line (with its link)", "cross-domain rel=canonical"),
}  # fmt: skip

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "article.published", "datepublished", "published_time", "og:published_time",
    "article_date_original", "pubdate", "publishdate", "publish-date", "publish_date",
    "publication_date", "pub_date", "parsely-pub-date", "sailthru.date", "dc.date.issued",
    "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created", "citation_publication_date",
    "citation_date", "dcsext.articlefirstpublished", "published", "date", "datecreated",
)  # fmt: skip
_UPDATED_META = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified",
    "article.updated", "datemodified", "dcterms.modified", "last-modified", "modified",
)  # fmt: skip
_AUTHOR_META = (
    "author", "article:author", "og:article:author", "dc.creator", "dcterms.creator",
    "parsely-author", "sailthru.author", "citation_author", "byl", "analyticsattributes.author",
)  # fmt: skip
_TAG_META = ("article:tag", "keywords", "news_keywords", "parsely-tags", "sailthru.tags")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " : ", " :: ", " · ", " » ", " • ", ": ")


_ARTICLE_TYPES = frozenset((
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    "scholarlyarticle", "techarticle", "report", "socialmediaposting", "review",
))  # fmt: skip
# Labels of tag lists as pages write them ("Thème :", "Schlagwörter:").
_LABELS = (
    "Tags", "Tag:", "TAGS", "Tagged", "Topics", "Thème", "Région", "Mots-clés", "Mots clés",
    "Schlagwörter", "Stichwörter", "Themen:", "Etiquetas", "Temas:", "Categories:", "Catégories",
    "Kategorien", "Filed under", "Rubrique", "Keywords", "Sujets",
)  # fmt: skip
_LABEL_WORDS = re.compile(
    r"^\s*(?:tags?|tagged|topics?|thèmes?|régions?|mots[- ]clés|schlagwörter|stichwörter|themen|"
    r"etiquetas|temas|categories|catégories|kategorien|filed under|rubriques?|keywords|sujets)"
    r"\s*(?:\xa0)?:",
    re.IGNORECASE,
)
_LABEL_START = re.compile(r"^\s*[^\W\d_][\w\s-]{1,20}?\s*:\s*", re.UNICODE)
_DATE_OR_BY = re.compile(r"\b(?:19|20)\d\d\b|\bby\s|^\s*title\s*:", re.IGNORECASE)
_HEADINGS = (
    "//h2|//h3|//dt|//*[contains(@class,'title') or contains(@class,'titulo') or "
    "contains(@class,'headline')][not(self::meta) and not(self::link)]"
)
# Text nodes a reader sees: not empty, not the code of a <script> or <style> in the body.
_SHOWN = "[normalize-space()][not(parent::script or parent::style)]"
_DATE_TEXTS = "//*[@itemprop='datePublished'][not(@content) and not(@datetime)]"
_NOISE = frozenset(("nav", "footer", "aside", "form", "a"))


def _ld_text(obj: Any, key: str) -> str | None:
    """A JSON-LD property as text: strings, {"@value"}/{"name"} objects, first of a list."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return " ".join(html_lib.unescape(value).split()) or None if isinstance(value, str) else None


def _ld_image(obj: dict[str, Any]) -> str | None:
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


class _Page:
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
        return bool(own) and any(
            site_key(urljoin(self.url or "", href)) != own for href in el.xpath(".//a/@href")
        )

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
                name = _ld_text(item, "name") or " ".join(
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
                self.anchor = el
                return
        for el in self.tree.xpath(_HEADINGS)[:40]:
            if name_key(el.text_content()) == key:
                self.anchor = el
                return

    def visible_dates(self) -> list[str]:
        """Dates as readers see them: itemprop/`<time>` texts, the text after the headline, then
        the text just before it."""
        texts = [" ".join(t.text_content().split()) for t in self.tree.xpath(_DATE_TEXTS)[:3]]
        texts += [" ".join(t.text_content().split()) for t in self._times]
        if self.anchor is not None:
            after = self.anchor.xpath(f"following::text(){_SHOWN}[position() <= 20]")
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


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _variants(title: str) -> set[str]:
    """The title and every part of it left when a ' | Site' suffix or 'Opinion | ' prefix goes."""
    out = {name_key(title)}
    for sep in _TITLE_SEPARATORS:
        parts = title.split(sep)
        for i in range(1, len(parts)):
            out.add(name_key(sep.join(parts[:i])))
            out.add(name_key(sep.join(parts[i:])))
    out.discard("")
    return out


def _strip_site(title: str, site_keys: set[str]) -> str:
    """Drop leading/trailing parts that are the site's name ('Headline | Site Name')."""
    for sep in _TITLE_SEPARATORS:
        parts = title.split(sep)
        while len(parts) > 1 and name_key(parts[-1]) in site_keys:
            parts.pop()
        while len(parts) > 1 and name_key(parts[0]) in site_keys:
            parts.pop(0)
        title = sep.join(parts)
    return title.strip()


def _title(p: _Page, site_keys: set[str], entry: FeedEntry | None) -> str | None:
    metas = [
        t
        for t in (
            _ld_text(p.article, "headline") or _ld_text(p.article, "name"),
            p.meta1("og:title"),
            p.meta1("twitter:title"),
            p.title,
            p.meta1("dc.title"),
            p.meta1("parsely-title"),
            p.meta1("sailthru.title"),
        )
        if t
    ]
    h1s = [h for h in p.h1s if name_key(h) not in site_keys]
    for h1 in h1s:
        key = name_key(h1)
        if any(key in _variants(t) for t in metas):
            return h1
    stripped_metas = [t for t in (_strip_site(t, site_keys) for t in metas[:4])
                      if name_key(t) not in site_keys]  # fmt: skip
    for h1 in h1s:  # an <h1> with a date or byline glued in: the metadata title without them
        key = name_key(h1)
        for t in stripped_metas:
            inner = name_key(t)
            if len(inner) >= 0.6 * len(key) and inner in key and _DATE_OR_BY.search(h1):
                return t
    for h1 in h1s:  # the headline readers see beats SEO titles, when it is about the same ...
        if len(h1.split()) >= 2 and (
            not stripped_metas or any(_overlap(h1, t) >= 0.25 for t in stripped_metas)
        ):
            return h1
    for t in stripped_metas:  # ... else a blog's or a section's name is the only <h1>
        return _strip_section(t)
    return _first(*h1s, entry.title if entry else None)


def _overlap(a: str, b: str) -> float:
    """Word-level F1 of two titles: how much they say the same."""
    wa, wb = Counter(re.findall(r"\w+", a.casefold())), Counter(re.findall(r"\w+", b.casefold()))
    common = sum((wa & wb).values())
    return 2 * common / (sum(wa.values()) + sum(wb.values())) if common else 0.0


def _strip_section(title: str) -> str:
    """'Headline | Opinion', 'Headline | Top 19 Companies': a metadata title's short tail after
    a pipe is a section or a tagline glued on, not the headline's."""
    head, sep, tail = title.rpartition(" | ")
    if sep and len(tail.split()) <= 4 and len(head.split()) >= 3:
        return _strip_section(head)
    return title


def _site_names(p: _Page, url: str | None) -> tuple[str | None, list[str]]:
    """The site's name, and every name it goes by (to strip from titles and authors)."""
    publisher = _ld_text(p.resolve(p.article.get("publisher")), "name")
    site_name = _first(p.meta1("og:site_name"), publisher, p.meta1("application-name"))
    names = [
        n
        for n in (site_name, publisher, p.meta1("application-name"),
                  p.meta1("apple-mobile-web-app-title"))
        if n
    ]  # fmt: skip
    for n in list(names):
        names.extend(n.split(" | "))
    key = site_key(url)
    if key:
        names.extend((key, key.split(".")[0]))
    if p.title:  # "Headline - Site": the last part, when a metadata title lacks it
        for sep in _TITLE_SEPARATORS[:4]:
            if sep in p.title:
                tail = p.title.rsplit(sep, 1)[1]
                og = p.meta1("og:title") or ""
                if tail not in og and len(tail.split()) <= 5:
                    names.append(tail)
    return site_name, names


def _authors(
    p: _Page, exclude: list[str], source: str | None, entry: FeedEntry | None
) -> tuple[str, ...]:
    """The first evidence source with names wins; the credited source's name is dropped from a
    list of several ('Victor Tangermann, Futurism'), not from a lone byline ('by ESA')."""
    names = _author_evidence(p, exclude, entry)
    if source and len(names) > 1:
        names = tuple(n for n in names if name_key(n) != name_key(source)) or names
    return names


def _author_evidence(p: _Page, exclude: list[str], entry: FeedEntry | None) -> tuple[str, ...]:
    sources: tuple[Callable[[], Iterable[str]], ...] = (
        lambda: p.people(p.article.get("author") or p.article.get("creator")),
        lambda: [v for k in _AUTHOR_META for v in p.meta.get(k, ())],
        lambda: itemprop_authors(p.tree),
    )
    for source in sources:  # lazily: most pages stop at the first
        names = clean_authors(source(), exclude=exclude, from_markup=True)
        if names:
            return names
    return (
        byline_names(p.tree, exclude)
        or clean_authors(text_byline(p.anchor), exclude=exclude)
        or clean_authors(entry.authors if entry else (), exclude=exclude)
    )


def _dates(
    p: _Page, url: str | None, entry: FeedEntry | None, langs: list[str]
) -> tuple[datetime | None, datetime | None]:
    published_raw = [
        _ld_text(p.article, "datePublished"),
        _ld_text(p.article, "dateCreated"),
        *(_ld_text(o, "datePublished") for o in p.ld),
        *(v for k in _PUBLISHED_META for v in p.meta.get(k, ())),
    ]
    updated_raw = [
        _ld_text(p.article, "dateModified"),
        *(v for k in _UPDATED_META for v in p.meta.get(k, ())),
    ]
    zone = page_zone(v for v in published_raw + updated_raw if v)
    if zone is None:  # no metadata date states a zone: perhaps a <time> does
        zone = page_zone(p.time_attrs())

    def first(raws: Iterable[str | None]) -> datetime | None:
        for raw in raws:
            value = parse_date(raw, languages=langs, tz=zone or UTC) if raw else None
            if value:
                return value
        return None

    published = (
        first(published_raw)
        or first(p.time_attrs())
        or url_date(url)
        or (entry.published if entry else None)
    )
    if published is None or published.utcoffset() == timedelta(0):
        # only then does the visible date matter: as the last resort, or to show the local day
        visible = [
            m for t in p.visible_dates() if (m := find_date(t, languages=langs, tz=zone or UTC))
        ]
        if published is None:
            published = visible[0].value if visible else None
        else:
            published = localise(published, visible)
    if published is None:  # a second opinion, paid for only on the few pages our rules miss
        published = second_opinion(p.tree, url, zone or UTC)
    updated = first(updated_raw) or (entry.updated if entry else None)
    if published is not None and updated is not None and updated < published:
        updated = None
    return published, updated


def _tags(p: _Page, entry: FeedEntry | None) -> tuple[str, ...]:
    raw: list[str] = []
    for key in _TAG_META:
        for value in p.meta.get(key, ()):
            raw.extend(value.split(",") if key != "article:tag" else [value])
    for field in ("keywords", "articleSection"):
        ld_value = p.article.get(field)
        items = ld_value if isinstance(ld_value, list) else [ld_value]
        for item in items:
            if isinstance(item, str):
                raw.extend(item.split(",") if field == "keywords" else [item])
    raw.extend(p.rel_tags())
    raw.extend(p.labelled_lists())
    raw.extend(entry.tags if entry else ())
    seen: dict[str, str] = {}
    for found in raw:
        tag = subject_tag(found)
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())[:30]


def _resolve(value: str | None, url: str | None) -> str | None:
    value = (value or "").strip()
    if not value or value.startswith(("data:", "javascript:")):
        return None
    return urljoin(url, value) if url else value


def extract_metadata(
    html: str,
    url: str | None = None,
    entry: FeedEntry | None = None,
    body_text: str | None = None,
) -> Metadata:
    """What the page says about the article; an empty Metadata for input it cannot read."""
    try:
        return _extract(html, url, entry, body_text)
    except (ValueError, TypeError, AttributeError, etree.LxmlError, RecursionError):
        return Metadata()


def _extract(
    html: str, url: str | None, entry: FeedEntry | None, body_text: str | None
) -> Metadata:
    if not html or not html.strip():
        return Metadata()
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    tree = lxml.html.document_fromstring(html)
    p = _Page(tree, html, url)
    site_name, site_names = _site_names(p, url)
    site_keys = {name_key(n) for n in site_names} - {""}
    declared = [p.lang, p.meta1("content-language"), p.meta1("language"), p.meta1("dc.language"),
                p.meta1("og:locale"), _ld_text(p.article, "inLanguage"),
                entry.language if entry else None]  # fmt: skip
    langs = [d for d in declared if d]

    canonical = _resolve(
        _first(p.link("canonical"), p.meta1("og:url"), _ld_text(p.article, "url")), url
    )
    credits = find_credits(p.text, url, site_names)
    credit = credits[0] if credits else None
    from_canonical = canonical_credit(_resolve(p.link("canonical"), url), url)
    original_url = (credit.url if credit else None) or (
        from_canonical.url if from_canonical else None
    )
    original_source = credit.source if credit else None

    title = _title(p, site_keys, entry)
    p.find_anchor(title)
    published, updated = _dates(p, url, entry, langs)
    image = _first(p.meta1("og:image"), p.meta1("og:image:url"), p.meta1("og:image:secure_url"),
                   p.meta1("twitter:image"), p.meta1("twitter:image:src"),
                   _ld_image(p.article), p.link("image_src"))  # fmt: skip
    description = _first(p.meta1("og:description"), p.meta1("description"),
                         p.meta1("twitter:description"), _ld_text(p.article, "description"),
                         p.meta1("dc.description"), entry.summary if entry else None)  # fmt: skip
    text_for_language = body_text or " ".join(filter(None, (title, description)))
    return Metadata(
        title=title,
        authors=_authors(p, site_names, original_source, entry),
        published=published,
        updated=updated,
        language=choose_language(langs, text_for_language),
        tags=_tags(p, entry),
        canonical_url=canonical,
        description=" ".join(description.split()) if description else None,
        image=_resolve(image, url),
        site_name=site_name,
        original_url=original_url,
        original_source=original_source,
        linked_credits=tuple((c.line, c.url, c.source) for c in credits if c.line and c.url),
        credit_lines=tuple(
            dict.fromkeys(
                [c.line for c in credits if c.line]
                + copyright_lines(p.text, [c.source for c in credits if c.source])
            )
        ),
    )

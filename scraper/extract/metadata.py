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

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from scraper.extract.attribution import (
    Credit,
    canonical_credit,
    copyright_lines,
    find_credits,
)
from scraper.extract.authors import (
    byline_names,
    clean_authors,
    itemprop_authors,
    meta_authors,
    name_key,
    text_byline,
)
from scraper.extract.bylines import (
    author_links,
    dated_name,
    ld_authors,
    shown_or_byline,
    written_by,
)
from scraper.extract.dates import page_zone
from scraper.extract.evidence import PageEvidence, first, ld_image, ld_text
from scraper.extract.language import choose_language
from scraper.extract.published import first_date, published_date
from scraper.extract.tags import subject_tag
from scraper.extract.titles import headline, names_of_site
from scraper.models import FeedEntry, Metadata

__all__ = ["PRECEDENCE", "extract_metadata"]

# Field -> evidence sources, strongest first. The code below follows this order, but for
# exceptions (`published.published_date`): the date shown right under the headline, not labelled
# as an update, beats any of the first five more than a day away from it; a metadata stamp given
# as both published and modified yields to a date shown on an earlier day; htmldate's guess that
# is the modified day yields to an earlier date written in the text.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": (
        "<h1> agreeing with a metadata title",
        "first headline-like <h1>",
        "JSON-LD headline",
        "og:title",
        "twitter:title",
        "<title>",
        "feed entry",
    ),
    "authors": (
        "JSON-LD author",
        "meta author/article:author/dc.creator/parsely/sailthru/citation_author",
        "twitter:label/data pair 'Written by'",
        "itemprop=author",
        "(a markup author the page never shows gives way to the 'By' line after the title)",
        "byline elements (class/rel author)",
        "'By ...' text after the title",
        "links to an author's page next to the title",
        "a person's name alone beside the date under the title",
        "'By ...' text after the first <h1>, when the title is another heading",
        "a 'Written by ...' line anywhere outside asides, footers and comments (an author box)",
        "feed entry",
    ),
    "published": (
        "JSON-LD datePublished",
        "article:published_time & similar meta",
        "<time> in the article/byline",
        "date in the URL",
        "feed entry",
        "visible date after the title",
        "htmldate's guess from the markup",
        "the first date written in the text",
    ),
    "updated": ("JSON-LD dateModified", "article:modified_time & similar meta", "feed entry"),
    "language": (
        "<html lang>",
        "content-language / dc.language meta",
        "og:locale",
        "JSON-LD inLanguage",
        "feed entry",
        "py3langid on body_text",
    ),
    "tags": (
        "article:tag",
        "keywords/news_keywords/parsely/sailthru meta",
        "JSON-LD keywords",
        "JSON-LD articleSection",
        "rel=tag links",
        "labelled lists ('Tags:', 'Thème :')",
        "feed entry",
    ),
    "canonical_url": ("link rel=canonical", "og:url", "JSON-LD url"),
    "description": (
        "og:description",
        "meta description",
        "twitter:description",
        "JSON-LD description",
        "dc.description",
        "feed entry summary",
    ),
    "image": ("og:image", "twitter:image", "JSON-LD image", "link rel=image_src"),
    "site_name": ("og:site_name", "JSON-LD publisher name", "application-name"),
    "original": ("attribution line (with its link)", "cross-domain rel=canonical"),
}
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "article.published",
    "datepublished",
    "published_time",
    "og:published_time",
    "article_date_original",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "pub_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "dcsext.articlefirstpublished",
    "published",
    "date",
    "datecreated",
)
_UPDATED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "article:modified",
    "article.updated",
    "datemodified",
    "dcterms.modified",
    "last-modified",
    "modified",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "citation_authors",
    "byl",
    "analyticsattributes.author",
)
_TAG_META = ("article:tag", "keywords", "news_keywords", "parsely-tags", "sailthru.tags")


def _authors(
    p: PageEvidence, exclude: list[str], source: str | None, entry: FeedEntry | None
) -> tuple[str, ...]:
    """The first evidence source with names wins; the credited source's name is dropped from a
    list of several ('Victor Tangermann, Futurism'), not from a lone byline ('by ESA')."""
    names = _author_evidence(p, exclude, entry)
    if source and len(names) > 1:
        names = tuple(n for n in names if name_key(n) != name_key(source)) or names
    return names


def _author_evidence(
    p: PageEvidence, exclude: list[str], entry: FeedEntry | None
) -> tuple[str, ...]:
    sources: tuple[Callable[[], Iterable[str]], ...] = (
        lambda: ld_authors(p, exclude),
        lambda: meta_authors(p.meta, _AUTHOR_META),
        lambda: itemprop_authors(p.tree),
    )
    for source in sources:  # lazily: most pages stop at the first
        names = clean_authors(source(), exclude=exclude, from_markup=True)
        if names:
            return shown_or_byline(names, p, exclude)
    return (
        byline_names(p.tree, exclude)
        or text_byline(p.anchor, exclude)
        or author_links(p.anchor, exclude)
        or dated_name(p, exclude)
        or (text_byline(p.h1, exclude) if p.h1 is not p.anchor else ())
        or written_by(p, exclude)
        or clean_authors(entry.authors if entry else (), exclude=exclude)
    )


def _dates(
    p: PageEvidence, entry: FeedEntry | None, langs: list[str]
) -> tuple[datetime | None, datetime | None]:
    published_raw = [
        ld_text(p.article, "datePublished"),
        ld_text(p.article, "dateCreated"),
        *(ld_text(o, "datePublished") for o in p.ld),
        *(v for k in _PUBLISHED_META for v in p.meta.get(k, ())),
    ]
    updated_raw = [
        ld_text(p.article, "dateModified"),
        *(v for k in _UPDATED_META for v in p.meta.get(k, ())),
    ]
    zone = page_zone(v for v in published_raw + updated_raw if v)
    if zone is None:  # no metadata date states a zone: perhaps a <time> does
        zone = page_zone(p.time_attrs())
    updated = first_date(updated_raw, langs, zone or UTC) or (entry.updated if entry else None)
    entry_published = entry.published if entry else None
    published = published_date(p, published_raw, entry_published, updated, langs, zone)
    if published is not None and updated is not None and updated < published:
        updated = None
    return published, updated


def _tags(p: PageEvidence, entry: FeedEntry | None) -> tuple[str, ...]:
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
    p = PageEvidence(lxml.html.document_fromstring(html), html, url)
    site_name, site_names = names_of_site(p, url)
    site_keys = {name_key(n) for n in site_names} - {""}
    langs = _declared_languages(p, entry)
    credits = find_credits(p.text, url, site_names)
    credit = credits[0] if credits else None
    from_canonical = canonical_credit(_resolve(p.link("canonical"), url), url)
    original_url = (credit.url if credit else None) or (
        from_canonical.url if from_canonical else None
    )
    original_source = credit.source if credit else None
    title = headline(p, site_keys, entry)
    p.find_anchor(title)
    published, updated = _dates(p, entry, langs)
    description = _description(p, entry)
    text_for_language = body_text or " ".join(filter(None, (title, description)))
    return Metadata(
        title=title,
        authors=_authors(p, site_names, original_source, entry),
        published=published,
        updated=updated,
        language=choose_language(langs, text_for_language),
        tags=_tags(p, entry),
        canonical_url=_resolve(
            first(p.link("canonical"), p.meta1("og:url"), ld_text(p.article, "url")), url
        ),
        description=" ".join(description.split()) if description else None,
        image=_resolve(_image(p), url),
        site_name=site_name,
        original_url=original_url,
        original_source=original_source,
        linked_credits=tuple((c.line, c.url, c.source) for c in credits if c.line and c.url),
        credit_lines=_credit_lines(p, credits),
    )


def _declared_languages(p: PageEvidence, entry: FeedEntry | None) -> list[str]:
    """The languages the page and its feed entry declare, strongest first."""
    declared = [
        p.lang,
        p.meta1("content-language"),
        p.meta1("language"),
        p.meta1("dc.language"),
        p.meta1("og:locale"),
        ld_text(p.article, "inLanguage"),
        entry.language if entry else None,
    ]
    return [d for d in declared if d]


def _image(p: PageEvidence) -> str | None:
    return first(
        p.meta1("og:image"),
        p.meta1("og:image:url"),
        p.meta1("og:image:secure_url"),
        p.meta1("twitter:image"),
        p.meta1("twitter:image:src"),
        ld_image(p.article),
        p.link("image_src"),
    )


def _description(p: PageEvidence, entry: FeedEntry | None) -> str | None:
    return first(
        p.meta1("og:description"),
        p.meta1("description"),
        p.meta1("twitter:description"),
        ld_text(p.article, "description"),
        p.meta1("dc.description"),
        entry.summary if entry else None,
    )


def _credit_lines(p: PageEvidence, credits: list[Credit]) -> tuple[str, ...]:
    """The credit lines found and the page's copyright lines, each once."""
    lines = [c.line for c in credits if c.line]
    lines += copyright_lines(p.text, [c.source for c in credits if c.source])
    return tuple(dict.fromkeys(lines))

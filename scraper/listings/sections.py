"""Section pages as a source: the article links a page lists, for sites with no feed. Pure."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from courlan import is_navigation_page, is_not_crawlable

from scraper.extract.selectors import compile_selector
from scraper.models import FeedEntry
from scraper.urls import absolute_url, normalize_url

# Paths that are never one article: listings, tags, authors, search, media, feeds.
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|categories|author|authors|search|page|topics?|section|login|"
    r"register|subscribe|newsletter|about|contact|privacy|terms|feed|rss|wp-json|cdn-cgi)(/|$)|"
    r"\.(jpg|jpeg|png|gif|svg|webp|pdf|mp3|mp4|zip|css|js|xml|json)$",
    re.IGNORECASE,
)


def looks_like_article(url: str, section: str) -> bool:
    """Same site, deeper than the home page, not a listing or a file, not the section itself."""
    parts, base = urlsplit(url), urlsplit(section)
    if (parts.hostname or "").removeprefix("www.") != (base.hostname or "").removeprefix("www."):
        return False
    path = parts.path.rstrip("/")
    if not path or normalize_url(url) == normalize_url(section) or _NOT_ARTICLE.search(path):
        return False
    if is_navigation_page(url) or is_not_crawlable(url):
        return False
    slug = path.rsplit("/", 1)[-1]
    # An article URL carries a dated path, a numeric id, or a slug of several words.
    return bool(
        re.search(r"/(19|20)\d\d/|\d{4,}", path) or slug.count("-") >= 2 or slug.count("_") >= 2
    )


def harvest_links(html: str, page_url: str, selector: str | None = None) -> list[FeedEntry]:
    """The article links of a section page, in page order, each with its anchor text."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    scope = compile_selector(selector)(tree) if selector else [tree]
    seen: set[str] = set()
    entries = []
    for root in scope:
        for anchor in root.iter("a"):
            url = absolute_url(page_url, anchor.get("href"))
            if not url or not looks_like_article(url, page_url):
                continue
            url = url.split("#", 1)[0]
            key = normalize_url(url)
            if key in seen:
                continue
            seen.add(key)
            title = " ".join(anchor.text_content().split()) or None
            entries.append(FeedEntry(url=url, title=title))
    return entries

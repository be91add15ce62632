"""Feed autodiscovery: where a page says (or hints) its feeds are. Pure: HTML in, URLs out.

Candidates come in order of evidence: `<link rel="alternate">` declarations first, then links in
the page that look like feeds, then the usual paths of common publishing systems. The caller
fetches and parses each candidate before offering it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import lxml.html

from scraper.urls import absolute_url, normalize_url

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
    "application/rdf+xml": "rss",
    "application/xml": "rss",
    "text/xml": "rss",
}
# Paths that WordPress, Blogger, Ghost, Hugo, Jekyll, Drupal and others serve feeds at
# (/feed.json: JSON Feed, as Micro.blog, Hugo and Eleventy sites publish it).
# Kept short: every guess is a request, and discovery spends at most 12 per site.
COMMON_PATHS = ("/feed", "/rss", "/atom.xml", "/feed.xml", "/index.xml", "/rss.xml", "/feed.json")
_FEEDISH_HREF = re.compile(
    r"(/feed/?$|/rss/?$|\.rss$|\.atom$|/atom\.xml$|/feed\.xml$|/rss\.xml$|/index\.xml$|/feed\.json$|"
    r"[?&]feed=(rss2?|atom)|/feeds?/|format=(rss|atom)|\.xml$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    url: str
    how: str  # "declared", "linked" or "guessed"
    title: str | None = None


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out = []
    for candidate in candidates:
        key = normalize_url(candidate.url)
        if key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


def declared_feeds(html: str, base: str) -> list[Candidate]:
    """Feeds the page declares with <link rel="alternate" type="...">, and feed-like links."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base_href = tree.xpath("string(//base/@href)") or base
    base = absolute_url(base, base_href) or base
    found = []
    for link in tree.xpath("//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if ("alternate" in rel or "feed" in rel) and (kind in FEED_TYPES or "feed" in rel):
            url = absolute_url(base, link.get("href"))
            if url:
                found.append(Candidate(url, "declared", (link.get("title") or "").strip() or None))
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href") or ""
        url = absolute_url(base, href)
        if (
            url
            and _same_site(url, base)
            and _FEEDISH_HREF.search(
                urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
            )
        ):
            found.append(Candidate(url, "linked", anchor.text_content().strip()[:80] or None))
    return _dedupe(found)


def guessed_feeds(page_url: str) -> list[Candidate]:
    """The usual feed paths, under the page's own path first (section feeds), then the root."""
    parts = urlsplit(page_url)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    section = parts.path.rstrip("/")
    found = []
    if section:
        found += [Candidate(root + section + p, "guessed") for p in ("/feed", "/rss")]
    found += [Candidate(root + p, "guessed") for p in COMMON_PATHS]
    return _dedupe(found)


def _same_site(a: str, b: str) -> bool:
    host_a = (urlsplit(a).hostname or "").removeprefix("www.")
    host_b = (urlsplit(b).hostname or "").removeprefix("www.")
    return host_a == host_b

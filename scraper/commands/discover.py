"""Finding a site's feeds (or its news sitemap, or its page as a section page) through the polite
fetch layer, and adding the best to the config: the work behind `scraper add`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from scraper.config.edit import NewSource, add_sources
from scraper.config.settings import Config
from scraper.encoding import decode
from scraper.errors import ParseError, ScraperError
from scraper.fetch.fetcher import Fetcher
from scraper.listings.discovery import Candidate, declared_feeds, guessed_feeds
from scraper.listings.feeds import parse_feed
from scraper.listings.sections import harvest_links
from scraper.listings.sitemaps import parse_sitemap
from scraper.store.archive import Archive

MAX_REQUESTS = 12  # per site, robots.txt included
NEWS_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap_news.xml", "/sitemap-news.xml")
MIN_SECTION_LINKS = 3


@dataclass(frozen=True)
class Offer:
    url: str
    kind: str  # feed, sitemap or page
    title: str | None
    entries: int
    how: str  # declared, linked, guessed, robots.txt, section page

    @property
    def comments(self) -> bool:
        return "comment" in self.url.lower() or "comment" in (self.title or "").lower()


@dataclass
class Discovery:
    page: str
    offers: list[Offer] = field(default_factory=list)
    requests: int = 0
    problems: list[str] = field(default_factory=list)

    def best(self) -> Offer | None:
        if not self.offers:
            return None
        feeds = [o for o in self.offers if o.kind == "feed"] or self.offers
        rank = {"declared": 0, "linked": 1, "guessed": 2}
        preferred = [o for o in feeds if not o.comments] or feeds
        return min(preferred, key=lambda o: (rank.get(o.how, 3), -o.entries))


class Discoverer:
    """Runs discovery for one URL within a request budget."""

    def __init__(self, fetcher: Fetcher, budget: int = MAX_REQUESTS) -> None:
        self.fetcher = fetcher
        self.budget = budget
        self._started = fetcher.clock().replace(microsecond=0)  # the log keeps whole seconds

    def _spent(self, page: str) -> int:
        """Requests made to the page's host since discovery began (robots.txt included)."""
        host = urlsplit(page).netloc
        return sum(
            1
            for r in self.fetcher.store.fetch_log(limit=500)
            if r.fetched_at >= self._started and urlsplit(r.url).netloc == host
        )

    async def _get(self, url: str, found: Discovery) -> bytes | None:
        if self._spent(found.page) >= self.budget:
            return None
        try:
            exchange = await self.fetcher.fetch(url, source="#discovery", kind="feed")
        except ScraperError as error:
            found.problems.append(f"{url}: {getattr(error, 'reason', error)}")
            return None
        return exchange.content

    async def _try_feed(self, candidate: Candidate, found: Discovery) -> bool:
        content = await self._get(candidate.url, found)
        if content is None:
            return False
        try:
            feed = parse_feed(content, candidate.url)
        except ParseError:
            return False
        found.offers.append(
            Offer(
                candidate.url,
                "feed",
                feed.title or candidate.title,
                len(feed.entries),
                candidate.how,
            )
        )
        return True

    async def discover(self, url: str, *, want_all: bool = False) -> Discovery:
        found = Discovery(url)
        page = await self._get(url, found)
        html = decode(page) if page else ""
        for candidate in declared_feeds(html, url) if html else []:
            await self._try_feed(candidate, found)
            settled = [o for o in found.offers if o.how == "declared" and not o.comments]
            if settled and not want_all:
                break  # a declared main feed: no need to spend requests on the rest
        if not found.offers:
            for candidate in guessed_feeds(url):
                if await self._try_feed(candidate, found):
                    break
        if not found.offers:
            await self._sitemaps(url, found)
        if not found.offers and html:
            links = harvest_links(html, url)
            if len(links) >= MIN_SECTION_LINKS:
                found.offers.append(Offer(url, "page", None, len(links), "section page"))
        found.requests = self._spent(url)
        return found

    async def _sitemaps(self, url: str, found: Discovery) -> None:
        parts = urlsplit(url)
        root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        declared = await self.fetcher.robots.sitemaps(url)
        candidates = [(u, "robots.txt") for u in declared if "news" in u.lower()]
        candidates += [(root + p, "guessed") for p in NEWS_SITEMAP_PATHS]
        candidates += [(u, "robots.txt") for u in declared if "news" not in u.lower()]
        for sitemap_url, how in candidates:
            content = await self._get(sitemap_url, found)
            if content is None:
                continue
            try:
                sitemap = parse_sitemap(content, sitemap_url)
            except ParseError:
                continue
            count = len(sitemap.entries) + len(sitemap.children)
            if count:
                found.offers.append(Offer(sitemap_url, "sitemap", None, count, how))
                return


async def discover_with_archive(config: Config, url: str, want_all: bool) -> Discovery:
    archive = Archive(config)
    try:
        async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
            return await Discoverer(fetcher).discover(url, want_all=want_all)
    finally:
        archive.close()


def discover_and_add(
    config: Config, url: str, *, name: str | None, want_all: bool
) -> tuple[Discovery, list[tuple[NewSource, str | None]]]:
    """Discover, then add the best offer (or every feed with `want_all`) to the config file."""
    if config.file is None:
        raise ScraperError("no config file to add the source to")
    found = asyncio.run(discover_with_archive(config, url, want_all))
    best = found.best()
    if best is None:
        return found, []
    chosen = [o for o in found.offers if o.kind == "feed"] if want_all else [best]
    new = [
        NewSource(o.url, o.kind, name if len(chosen) == 1 else None, title=o.title) for o in chosen
    ]
    return found, add_sources(config.file, new)

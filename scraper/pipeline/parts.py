"""What every part of a poll works with, given once by the runner's session.

The fetcher, the index and the tree, the extractor, the clock, the renderer, where pages are
handed on and whom to tell: `Parts` holds them, with the few steps every part takes (extract a
page after checking it, write an article's files, tell the user).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from scraper.config.settings import DEFAULT_REVISITS, DaemonSettings
from scraper.errors import ExtractionError
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.render import PageRenderer
from scraper.models import Article, Exchange, FeedEntry, Notice, Source, StoredArticle
from scraper.pipeline.boilerplate_models import SourceModels
from scraper.pipeline.checks import check_blocked, check_page
from scraper.pipeline.handoff import PageHandoff
from scraper.pipeline.schedule import next_revisit
from scraper.store.base import Store
from scraper.store.tree import ArchiveTree

# (page bytes or text, url, feed entry, source, Content-Type) -> Article
ExtractFn = Callable[
    [str | bytes, str, FeedEntry | None, Source | None, str | None], Awaitable[Article]
]


@dataclass
class Parts:
    """Everything a poll needs, passed in."""

    fetcher: Fetcher
    store: Store
    tree: ArchiveTree
    extract: ExtractFn
    clock: Callable[[], datetime]
    schedule: DaemonSettings = field(default_factory=DaemonSettings)
    revisits: tuple[float, ...] = DEFAULT_REVISITS
    renderer: PageRenderer | None = None  # None: every page is extracted as fetched
    handoff: PageHandoff | None = None  # None: pages are extracted here, by `extract`
    notify: Callable[[Notice], None] | None = None
    on_article: Callable[[StoredArticle], None] | None = None
    on_version: Callable[[StoredArticle, str], None] | None = None
    models: SourceModels = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.models = SourceModels(self.store)  # each source's boilerplate, while polled

    def renders(self, source: Source) -> bool:
        """Whether the source's pages may be rendered in a browser before they are extracted."""
        return self.renderer is not None and source.render != "never"

    def check_page(self, exchange: Exchange, source: Source | None = None) -> None:
        """`check_page`, with the block-page check left to after rendering for a source that
        renders (a JavaScript shell is what it renders)."""
        check_page(exchange, blocks=source is None or not self.renders(source))

    async def extract_page(
        self, source: Source, entry: FeedEntry | None, exchange: Exchange
    ) -> Article:
        """The page's article; a page with no body to read fails, to be tried again later."""
        self.check_page(exchange, source)
        if self.renderer is not None and self.renders(source):
            exchange = await self.renderer.document(source, exchange)
            check_blocked(exchange)  # the document extracted, rendered or not
        article = await self.extract(
            exchange.content, exchange.url, entry, source, exchange.headers.get("content-type")
        )
        if not article.text.strip():
            reason = article.error or "no article body found in the page"
            raise ExtractionError(exchange.requested_url, reason)
        return article

    def next_revisit(self, source: Source, first_seen: datetime, now: datetime) -> datetime | None:
        """The source's first scheduled revisit still ahead of `now`, or None when all are done."""
        return next_revisit(source.revisits or self.revisits, first_seen, now)

    def write_files(self, stored: StoredArticle) -> None:
        """Write an article's folder from the index's view of it (inside its transaction)."""
        self.tree.write_article(stored, list(self.store.iter_versions(stored.id)))
        if self.renderer is not None:
            self.renderer.place_screenshot(self.tree.root / stored.path, stored.url)

    def tell(self, kind: str, source: str, article: StoredArticle, **extra: str) -> None:
        """Notify users of an archived article's event (a new article, version, copy)."""
        if self.notify is None:
            return
        link = (self.tree.root / article.path / "article.md").as_uri()
        title = article.title or article.url
        self.notify(Notice(kind, source, title, article.url, archive_link=link, **extra))

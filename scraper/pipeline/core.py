"""The pipeline for one source: listing -> new entries -> pages -> extraction -> store.

`Pipeline` is what runners drive: it assembles the parts of a poll (`poll`, `pages`,
`revisits`, `stories`, `failures`) around what the runner's session passes in once, and offers
their few entry points. The parts take what they need (a fetcher, a store, a tree, an
extractor, a clock) as arguments, so the one-off `fetch`, the daemon and the scale-out workers
all run the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from scraper.config.settings import DEFAULT_REVISITS, DaemonSettings
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.render import PageRenderer
from scraper.models import Exchange, FeedEntry, Notice, Source, StoredArticle
from scraper.pipeline.boilerplate_models import SourceModels
from scraper.pipeline.failures import Failures
from scraper.pipeline.handoff import PageHandoff
from scraper.pipeline.page_jobs import read_page
from scraper.pipeline.pages import NewPages
from scraper.pipeline.parts import ExtractFn, Parts
from scraper.pipeline.poll import Poller
from scraper.pipeline.report import SourceReport
from scraper.pipeline.revisits import Revisits
from scraper.pipeline.stories import Stories
from scraper.store.base import Store
from scraper.store.tree import ArchiveTree

__all__ = ["Pipeline", "SourceReport"]


class Pipeline:
    """Everything a poll needs, passed in; the runners' one way into the stages."""

    def __init__(
        self,
        fetcher: Fetcher,
        store: Store,
        tree: ArchiveTree,
        extract: ExtractFn,
        clock: Callable[[], datetime],
        *,
        schedule: DaemonSettings | None = None,
        revisits: tuple[float, ...] = DEFAULT_REVISITS,
        renderer: PageRenderer | None = None,
        handoff: PageHandoff | None = None,
        notify: Callable[[Notice], None] | None = None,
        on_article: Callable[[StoredArticle], None] | None = None,
        on_version: Callable[[StoredArticle, str], None] | None = None,
    ) -> None:
        self.parts = Parts(
            fetcher,
            store,
            tree,
            extract,
            clock,
            schedule=schedule or DaemonSettings(),
            revisits=revisits,
            renderer=renderer,
            handoff=handoff,
            notify=notify,
            on_article=on_article,
            on_version=on_version,
        )
        failures, stories = Failures(self.parts), Stories(self.parts)
        self.pages = NewPages(self.parts, failures, stories)
        self.revisits = Revisits(self.parts, failures, stories)
        self.poller = Poller(self.parts, self.pages, self.revisits)

    @property
    def fetcher(self) -> Fetcher:
        return self.parts.fetcher

    @property
    def store(self) -> Store:
        return self.parts.store

    @property
    def tree(self) -> ArchiveTree:
        return self.parts.tree

    @property
    def models(self) -> SourceModels:
        """Each source's boilerplate model, held while its pages are stored."""
        return self.parts.models

    async def poll(self, source: Source, *, force: bool = False) -> SourceReport:
        """Poll one source's listing and archive every entry not archived yet."""
        return await self.poller.poll(source, force=force)

    async def revisit(
        self,
        source: Source,
        article: StoredArticle,
        *,
        force: bool = False,
        entry: FeedEntry | None = None,
    ) -> str:
        """Fetch an archived article again; store a version if a reader would see a change."""
        return await self.revisits.revisit(source, article, force=force, entry=entry)

    def next_revisit(self, source: Source, first_seen: datetime, now: datetime) -> datetime | None:
        """The first scheduled revisit still ahead of `now`, or None when all are done."""
        return self.parts.next_revisit(source, first_seen, now)

    def save_models(self, source: str | None = None) -> None:
        """Write back the boilerplate learned and not saved yet (one source's, or all)."""
        self.poller.save_models(source)

    async def archive_page(
        self, source: Source, entry: FeedEntry, exchange: Exchange
    ) -> SourceReport:
        """Extract, clean and store one page another process fetched and handed on (with its
        bytes in `exchange.content`). Idempotent: a page archived already is left alone."""
        return await self.pages.archive(source, [(entry, exchange)])

    async def archive_pages(
        self, source: Source, pages: list[tuple[FeedEntry, Exchange]]
    ) -> SourceReport:
        """`archive_page` for several pages of one source, learned together before any is
        cleaned (a new source's first pages, `PageHandoff.handoff_group`)."""
        return await self.pages.archive(source, pages)

    async def archive_version(self, source: Source, article_id: str, exchange: Exchange) -> str:
        """Extract a revisited page another process fetched and handed on; store a version if
        a reader would see a change. Returns the outcome, as `revisit` does."""
        return await self.revisits.archive(source, article_id, exchange)

    async def read_handed_off(self, job: dict[str, Any]) -> tuple[FeedEntry | str, Exchange]:
        """A handed-on page's entry (or revisited article's id) and exchange, its bytes read back
        from this archive's WARC under the fetcher's body size limit."""
        return await read_page(job, self.tree.root, self.fetcher.settings.max_body_size)

    async def archive_handed_off(
        self, source: Source, exchange: Exchange, entry: FeedEntry | str
    ) -> SourceReport | str:
        """Archive a page handed on, where it is extracted: a new page (its feed entry;
        `archive_page`) or a revisit (the article's id; `archive_version`)."""
        if isinstance(entry, str):
            return await self.archive_version(source, entry, exchange)
        return await self.archive_page(source, entry, exchange)

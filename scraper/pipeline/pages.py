"""A listing's new pages: fetched, extracted (here or handed on), cleaned and stored.

Pages come one per politeness gap from a host: each is stored as soon as it is extracted, so the
index and files keep pace with the network. Only while a source's boilerplate model has learned
fewer than `WARM_UP` pages are they held and learned together, so that the first pages of a new
source are cleaned of its template too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from scraper.errors import ScraperError
from scraper.extract.boilerplate import BoilerplateModel
from scraper.logs import event
from scraper.models import Article, Body, Exchange, FeedEntry, Source, StoredArticle
from scraper.pipeline.failures import Failures
from scraper.pipeline.markers import entry_marker, payload_digest
from scraper.pipeline.parts import Parts
from scraper.pipeline.report import SourceReport
from scraper.pipeline.stories import Stories
from scraper.urls import article_id, normalize_url

log = logging.getLogger("scraper.pipeline")

PAGES_IN_FLIGHT = 8  # per source; the fetcher's per-host limits still apply underneath
# Pages a source's boilerplate model learns together before any of them is stored (its first
# poll); after that each page is stored as soon as it is extracted, taught first.
WARM_UP = 4


def clean_article(article: Article, model: BoilerplateModel) -> Article:
    """The article without the lines its source repeats on every page."""
    body = model.clean(Body(article.text, article.markdown, article.error), article.facts)
    fingerprint = article.fingerprint if body.text == article.text else None
    return replace(
        article, text=body.text, markdown=body.markdown, facts=None, fingerprint=fingerprint
    )


def same_site(a: str, b: str) -> bool:
    """A canonical on another site names the original, not another address of this copy."""
    return normalize_url(a).split("/")[2] == normalize_url(b).split("/")[2]


@dataclass(frozen=True)
class Fetched:
    """A page fetched and extracted, waiting to be cleaned and stored."""

    entry: FeedEntry
    exchange: Exchange  # its bytes dropped: they are in WARC
    article: Article
    digest: str  # of the bytes, kept with the article (`payload_digest`)

    @classmethod
    def of(cls, entry: FeedEntry, exchange: Exchange, article: Article) -> Fetched:
        """The page is in WARC now: holding its bytes until it is stored only costs memory (a
        batch per source, many sources at once); their digest is what is kept."""
        digest = payload_digest(exchange.content)
        return cls(entry, replace(exchange, content=b""), article, digest)


class NewPages:
    """Archives the pages a listing offers that the archive does not hold yet."""

    def __init__(self, parts: Parts, failures: Failures, stories: Stories) -> None:
        self.parts, self.failures, self.stories = parts, failures, stories
        # Per source being polled whose first pages go on together: those gathered so far.
        self._warming: dict[str, list[tuple[Exchange, FeedEntry]]] = {}

    async def fetch_and_store(
        self, source: Source, fresh: list[FeedEntry], report: SourceReport, *, force: bool
    ) -> None:
        """Fetch and extract the new entries' pages, storing each as soon as it is extracted."""
        if not fresh:
            return
        gate = asyncio.Semaphore(PAGES_IN_FLIGHT)
        # Results come through a queue, not as the tasks' results: a finished task kept in
        # `tasks` would hold its article (text, Markdown, line facts) until the poll's end.
        results: asyncio.Queue[Fetched | Exception | None] = asyncio.Queue()

        async def one(entry: FeedEntry) -> None:
            try:
                async with gate:
                    results.put_nowait(await self._fetch_entry(source, entry, report, force=force))
            except Exception as error:  # noqa: BLE001 - raised where the results are read
                results.put_nowait(error)

        learned = len(self.parts.models.get(source.name).pages)
        handoff = self.parts.handoff
        if handoff is not None and handoff.learns_groups and learned < WARM_UP:
            self._warming[source.name] = []  # `_fetch_entry` gathers the pages handed on here
        tasks = [asyncio.ensure_future(one(entry)) for entry in fresh]
        try:
            await self._store_as_they_come(source, results, len(tasks), learned, report)
        finally:
            for task in tasks:
                task.cancel()
            # (cut short: the pages gathered are fetched, in WARC; they go on all the same)
            await self._hand_on_warming(source, report)

    async def _store_as_they_come(
        self,
        source: Source,
        results: asyncio.Queue[Fetched | Exception | None],
        count: int,
        learned: int,
        report: SourceReport,
    ) -> None:
        held: list[Fetched] = []
        for _ in range(count):
            item = await results.get()
            if isinstance(item, Exception):
                raise item
            if item is None:
                warming = self._warming.get(source.name)
                if warming is not None and learned + len(warming) >= WARM_UP:
                    await self._hand_on_warming(source, report)
                continue
            held.append(item)
            if learned + len(held) >= WARM_UP:  # once warm, each page goes at once
                await self.store_items(source, held, report)
                learned, held = learned + len(held), []
        await self.store_items(source, held, report)

    async def _hand_on_warming(self, source: Source, report: SourceReport) -> None:
        """Hand on the source's first pages gathered so far, together; later ones go alone."""
        warming = self._warming.pop(source.name, None)
        if warming and self.parts.handoff is not None:
            await self.parts.handoff.handoff_group(source, warming)
            report.queued += len(warming)

    async def _fetch_entry(
        self, source: Source, entry: FeedEntry, report: SourceReport, *, force: bool
    ) -> Fetched | None:
        parts = self.parts
        try:
            exchange = await parts.fetcher.fetch(
                entry.url, source=source, kind="page", force=force, delay=source.delay
            )
            if parts.handoff is not None:
                parts.check_page(exchange, source)
                warming = self._warming.get(source.name)
                if warming is not None:
                    warming.append((exchange, entry))
                    return None
                await parts.handoff.handoff(source, exchange, entry)
                report.queued += 1
                return None
            article = await parts.extract_page(source, entry, exchange)
            return Fetched.of(entry, exchange, article)
        except ScraperError as error:
            self.failures.page(source, entry, error, report)
            return None

    async def archive(
        self, source: Source, pages: list[tuple[FeedEntry, Exchange]]
    ) -> SourceReport:
        """Extract, clean and store pages another process fetched and handed on (with their
        bytes), learned together before any is cleaned. A page archived already is left alone."""
        report = SourceReport(source.name, source.url)
        fresh = []
        for entry, exchange in pages:
            if self.parts.store.find_article(entry.url, entry.guid, source.name):
                report.known += 1
            else:
                fresh.append((entry, exchange))

        async def one(entry: FeedEntry, exchange: Exchange) -> Fetched | None:
            try:
                article = await self.parts.extract_page(source, entry, exchange)
            except ScraperError as error:
                self.failures.page(source, entry, error, report)
                return None
            return Fetched.of(entry, exchange, article)

        extracted = await asyncio.gather(*(one(entry, exchange) for entry, exchange in fresh))
        await self.store_items(source, [item for item in extracted if item is not None], report)
        return report

    async def store_items(
        self, source: Source, fetched: list[Fetched], report: SourceReport
    ) -> None:
        """Teach the source's boilerplate model these pages, then clean and store each."""
        if not fetched:
            return
        models = self.parts.models
        model = models.get(source.name)
        for item in fetched:
            model.learn(Body(item.article.text, item.article.markdown), item.article.facts)
        models.taught(source.name, len(fetched))
        for item in fetched:
            self._store_entry(source, item, report, model)
            # Storing is synchronous; between articles the loop hands extraction results
            # back and new pages to the workers, which would otherwise idle for the batch.
            await asyncio.sleep(0)

    def _store_entry(
        self, source: Source, item: Fetched, report: SourceReport, model: BoilerplateModel
    ) -> None:
        entry = item.entry
        article = clean_article(item.article, model)
        try:
            stored = self._store(source, item, article)
        except ScraperError as error:
            self.failures.page(source, entry, error, report)
            return
        report.new += 1
        event(log, logging.INFO, source.name, entry.url, "archived", id=stored.id, path=stored.path)
        stored = self.stories.place(stored, article)
        if self.parts.on_article:
            self.parts.on_article(stored)
        self.parts.tell("new_article", source.name, stored, text=stored.text)

    def _store(self, source: Source, item: Fetched, article: Article) -> StoredArticle:
        parts = self.parts
        entry, exchange = item.entry, item.exchange
        final_url, fetched_at = exchange.url, exchange.fetched_at
        url = entry.url
        when = article.published or entry.published or fetched_at
        path = parts.tree.folder_for(
            url, article.title or entry.title, when, article_id(url), parts.store.path_owner
        )
        aliases = tuple(u for u in (final_url, article.canonical_url) if u and same_site(u, url))
        return parts.store.save_article(
            source=source.name,
            url=url,
            article=article,
            entry=entry,
            fetched_at=fetched_at,
            path=path,
            aliases=aliases,
            warc=exchange.warc,
            entry_marker=entry_marker(entry),
            payload_digest=item.digest,
            next_revisit=parts.next_revisit(source, fetched_at, fetched_at),
            before_commit=parts.write_files,
        )

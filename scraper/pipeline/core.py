"""The pipeline for one source: feed -> new entries -> pages -> extraction -> store.

Plain async functions that take what they need (a fetcher, a store, a tree, an extractor, a clock)
as arguments, so the one-off `fetch`, the daemon and the scale-out workers all run the same code.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from scraper.config.settings import DEFAULT_REVISITS, DaemonSettings
from scraper.dedupe import DedupeDoc, Deduper
from scraper.encoding import decode, looks_binary
from scraper.errors import (
    BlockedError,
    BlockedPageError,
    ExtractionError,
    FetchError,
    GoneError,
    ParseError,
    RetryLaterError,
    ScraperError,
    StorageError,
)
from scraper.extract.blocked import as_blocked, blocked_page, detect_block
from scraper.extract.boilerplate import BoilerplateModel
from scraper.fetch.fetcher import PERMANENT_REDIRECTS, Fetcher
from scraper.fetch.render import PageRenderer
from scraper.listings.feeds import parse_feed
from scraper.listings.sections import harvest_links
from scraper.listings.sitemaps import parse_sitemap, recent
from scraper.logs import event
from scraper.models import Article, Body, Exchange, FeedEntry, Notice, Source, StoredArticle
from scraper.pipeline.boilerplate_models import SourceModels
from scraper.pipeline.schedule import adapt_interval, max_age, page_retry_delay, retry_delay
from scraper.store.base import PageFailure, Store
from scraper.store.health import FailedPage, PollRecord
from scraper.store.tree import ArchiveTree
from scraper.store.versions import (
    Snapshot,
    classify_change,
    describe_snapshot,
    furniture_of,
    live_lines,
    render_word_diff,
    version_diff,
    word_diff,
)
from scraper.urls import article_id, normalize_url

log = logging.getLogger("scraper.pipeline")

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
PAGES_IN_FLIGHT = 8
FAILING_AFTER = 3  # consecutive failed polls that make a source "failing" (one notice)
# Pages a source's boilerplate model learns together before any of them is stored (its first
# poll); after that each page is stored as soon as it is extracted, taught first.
WARM_UP = 4
MAX_SITEMAP_CHILDREN = 10  # child sitemaps of an index read per poll, most recent first  # per source; the fetcher's per-host limits still apply underneath

# (page bytes or text, url, feed entry, source, Content-Type) -> Article
ExtractFn = Callable[
    [str | bytes, str, FeedEntry | None, Source | None, str | None], Awaitable[Article]
]
# Hands a fetched page (in WARC already) to another tier for extraction: the cluster's
# `extract` queue. With a feed entry, a new page (`Pipeline.archive_page` runs there); with an
# article id, a revisit (`Pipeline.archive_version`).
Handoff = Callable[[Source, Exchange, FeedEntry | str], Awaitable[None]]
# Pages handed over together: the first ones of a source whose template is not learned yet.
GroupHandoff = Callable[[Source, list[tuple[Exchange, FeedEntry]]], Awaitable[None]]


def entry_marker(entry: FeedEntry) -> str:
    """What the feed says of an entry that, when it changes, calls for a revisit."""
    parts = (
        entry.updated.isoformat() if entry.updated else "",
        entry.title or "",
        entry.summary or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def payload_digest(content: bytes) -> str:
    """The SHA-256 of a page's bytes: the same bytes again are no edit, and need no extraction."""
    return hashlib.sha256(content).hexdigest()


def clean_article(article: Article, model: BoilerplateModel) -> Article:
    """The article without the lines its source repeats on every page."""
    body = model.clean(Body(article.text, article.markdown, article.error), article.facts)
    fingerprint = article.fingerprint if body.text == article.text else None
    return replace(
        article, text=body.text, markdown=body.markdown, facts=None, fingerprint=fingerprint
    )


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


@dataclass(frozen=True)
class Problem:
    url: str
    reason: str
    kind: str = "failed"  # or "blocked": the site sent a block or stub page instead


@dataclass
class SourceReport:
    """What one poll of one source did: the CLI prints it, the daemon logs it."""

    source: str
    feed_url: str
    new: int = 0
    known: int = 0
    updated: int = 0  # known articles that got a new version this poll
    revisited: int = 0
    entries: int = 0
    not_modified: bool = False
    hint: float | None = None  # the poll interval the feed asks for (ttl, max-age), seconds
    status: int | None = None  # HTTP status of the listing (feed, sitemap or page) fetch
    error: str | None = None  # the feed itself failed
    failures: list[Problem] = field(default_factory=list)  # pages that failed
    skipped: list[Problem] = field(default_factory=list)  # pages we chose not to fetch (robots)
    warnings: list[str] = field(default_factory=list)
    queued: int = 0  # pages fetched and handed to the extraction tier (`Pipeline.handoff`)
    waiting: int = 0  # pages that failed before, listed again but not due for a retry yet

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def summary(self) -> str:
        if self.error:
            return f"{self.source}: failed"
        if self.not_modified and not (self.revisited or self.new or self.failures or self.queued):
            return f"{self.source}: feed not modified"
        parts = [f"{self.new} new", f"{self.known} already archived"]
        if self.queued:
            parts.append(f"{self.queued} queued for extraction")
        if self.revisited:
            parts.append(f"{self.revisited} revisited")
        if self.updated:
            parts.append(f"{self.updated} updated")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.waiting:
            parts.append(f"{self.waiting} failed before, retried later")
        return f"{self.source}: {', '.join(parts)} ({self.entries} entries)"

    def poll_record(self) -> PollRecord:
        """What the index keeps of this poll for the source's health."""
        failed = self.failures
        return PollRecord(
            ok=self.error is None,
            status=self.status,
            entries=self.entries,
            new=self.new,
            pages=self.new + self.queued + len(failed),
            failed_pages=len(failed),
            page_error=f"{failed[-1].url}: {failed[-1].reason}" if failed else None,
        )


@dataclass
class Pipeline:
    """Everything a poll needs, passed in."""

    fetcher: Fetcher
    store: Store
    tree: ArchiveTree
    extract: ExtractFn
    clock: Callable[[], datetime]
    on_article: Callable[[StoredArticle], None] | None = None
    schedule: DaemonSettings = field(default_factory=DaemonSettings)
    revisits: tuple[float, ...] = DEFAULT_REVISITS
    on_version: Callable[[StoredArticle, str], None] | None = None
    notify: Callable[[Notice], None] | None = None
    handoff: Handoff | None = None  # None: pages are extracted by `extract`, in this process
    # With `handoff`: which of these URLs are handed off already and not stored yet.
    pending: Callable[[list[str]], Awaitable[set[str]]] | None = None
    # With `handoff`: a source's first pages (fewer than `WARM_UP` learned) go over together,
    # to be learned together where they are extracted; without it, one by one.
    handoff_group: GroupHandoff | None = None
    # Renders the pages of sources that ask for it (`render`); None: every page as fetched.
    renderer: PageRenderer | None = None
    _deduper: Deduper | None = field(default=None, init=False, repr=False)
    _models: SourceModels | None = field(default=None, init=False, repr=False)
    # Per source being polled with `handoff_group`: its first pages, gathered to go together.
    _warming: dict[str, list[tuple[Exchange, FeedEntry]]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def models(self) -> SourceModels:
        """Each source's boilerplate model, held while its pages are stored."""
        if self._models is None:
            self._models = SourceModels(self.store)
        return self._models

    async def poll(self, source: Source, *, force: bool = False) -> SourceReport:
        """Poll one source's feed and archive every entry not archived yet."""
        state = self.store.source_state(source.name)
        feed_url = source.url
        if state.feed_url and state.configured_feed == source.url:
            feed_url = state.feed_url  # the feed moved permanently; keep following it
        report = SourceReport(source.name, feed_url)
        if state.disabled and state.configured_feed == source.url and not force:
            report.error = f"disabled: {state.disabled} (use --force to try again)"
            return report
        now = self.clock()
        state = replace(state, last_poll=now, configured_feed=source.url)
        try:
            await self._poll_feed(source, feed_url, report, force=force)
        except GoneError as error:
            state = replace(state, disabled=error.reason)
            report.error = f"{error.reason}; the source is disabled"
        except ScraperError as error:
            error = as_blocked(error)  # a feed answered by a block page says so
            report.error = getattr(error, "reason", None) or str(error)
            report.status = getattr(error, "status", None)
        finally:
            self.save_models(source.name)
        interval = state.interval if state.interval and not report.error else source.interval
        if report.error:
            event(log, logging.WARNING, source.name, feed_url, f"poll failed: {report.error}")
            failures = state.failures + 1
            delay = retry_delay(interval, failures)
            if failures == FAILING_AFTER and self.notify is not None:
                self.notify(
                    Notice(
                        "source_failing",
                        source.name,
                        f"{failures} polls failed in a row: {report.error}",
                        feed_url,
                    )
                )
            state = replace(state, last_error=report.error, failures=failures)
        else:
            interval = adapt_interval(
                source,
                self.schedule,
                state.interval,
                new_entries=report.new + report.queued,
                hint=report.hint,
            )
            delay = interval
            state = replace(state, last_success=now, last_error=None, failures=0, disabled=None)
        state = replace(state, interval=interval, next_poll=now + timedelta(seconds=delay))
        if report.feed_url != feed_url or (report.error is None and state.feed_url):
            state = replace(state, feed_url=report.feed_url)
        try:
            self.store.save_source_state(state)
            self.store.record_poll(source.name, now, report.poll_record())
            if report.new or report.queued:
                self._check_health(source, report)
        except StorageError as error:
            report.error = report.error or str(error)
        return report

    def save_models(self, source: str | None = None) -> None:
        """Write back the boilerplate learned and not saved yet (one source's, or all); a
        failure is logged: the model is a heuristic, the articles are stored already."""
        try:
            self.models.save(source)
        except StorageError as error:
            event(log, logging.WARNING, source, None, f"boilerplate model not saved: {error}")

    def _check_health(self, source: Source, report: SourceReport) -> None:
        """Warn, with the source's name, when its pages stop extracting as they used to."""
        flag = self.store.health(source.name).flag
        if flag:
            report.warnings.append(flag)
            event(log, logging.WARNING, source.name, source.url, flag)

    async def _poll_feed(
        self, source: Source, feed_url: str, report: SourceReport, *, force: bool
    ) -> None:
        exchange = await self.fetcher.fetch(
            feed_url,
            source=source,
            kind="feed",
            conditional=True,
            force=force,
            delay=source.delay,
        )
        if exchange.redirects and all(s in PERMANENT_REDIRECTS for s, _ in exchange.redirects):
            report.feed_url = exchange.redirects[-1][1]
            event(
                log,
                logging.WARNING,
                source.name,
                feed_url,
                f"feed moved permanently to {report.feed_url}; following it from now on",
            )
        report.hint = max_age(exchange.headers.get("cache-control"))
        entries: list[FeedEntry] = []
        if exchange.status == 304:
            report.not_modified = True
            event(log, logging.INFO, source.name, feed_url, "feed not modified")
        else:
            report.status = exchange.status
            listed = await self._entries(source, exchange, report, force=force)
            entries = list({entry.url: entry for entry in listed}.values())
            report.entries = len(entries)
        fresh, changed = [], []
        for entry in entries:
            known = self.store.find_article(entry.url, entry.guid, source.name)
            if not known:
                fresh.append(entry)
                continue
            report.known += 1
            _, marker = self.store.revisit_state(known)
            if marker is not None and marker != entry_marker(entry):
                changed.append((known, entry))
        fresh = self._with_failed_pages(source, fresh, report, force=force)
        if fresh and self.pending is not None:  # queued for extraction by an earlier poll
            queued = await self.pending([entry.url for entry in fresh])
            fresh = [entry for entry in fresh if entry.url not in queued]
        await self._fetch_and_store(source, fresh, report, force=force)
        # Only now does the feed count as read: every page it listed is stored, queued (in the
        # journal or the cluster's queue) or recorded as failed, due again. Cut short before
        # (a stop, a kill), the next poll reads the whole feed again.
        self.fetcher.remember_validators(exchange)
        for known, entry in changed:  # the feed says these changed: look now
            stored = self.store.get_article(known)
            if stored is not None:
                outcome = await self.revisit(source, stored, force=force, entry=entry)
                if outcome in {"major", "minor"}:
                    report.updated += 1
                self.store.touch_article(
                    known,
                    seen_at=None,
                    entry_marker=entry_marker(entry),
                    next_revisit=self.next_revisit(source, stored.first_seen, self.clock()),
                )

    def _with_failed_pages(
        self, source: Source, fresh: list[FeedEntry], report: SourceReport, *, force: bool
    ) -> list[FeedEntry]:
        """The new entries to fetch, with the source's pages that failed before: each is tried
        again once it is due (a backoff), whether or not the feed still lists it."""
        now = self.clock()
        failed = {normalize_url(f.url): f for f in self.store.page_failures(source.name)}
        if not failed:
            return fresh
        due = []
        for entry in fresh:
            failure = failed.pop(normalize_url(entry.url), None)
            if failure is None or failure.next_try <= now or force:
                due.append(entry)
            else:
                report.waiting += 1
        for failure in failed.values():  # no longer listed (or the feed answered 304)
            if failure.next_try > now and not force:
                report.waiting += 1
            elif self.store.find_article(failure.url, failure.entry.guid, source.name):
                self.store.clear_page_failure(failure.url)  # archived by another way
            else:
                due.append(failure.entry)
        return due

    async def _entries(
        self, source: Source, exchange: Exchange, report: SourceReport, *, force: bool
    ) -> list[FeedEntry]:
        """The entries a listing offers: a feed's items, a sitemap's recent URLs, a page's links."""
        content_type = exchange.headers.get("content-type")
        if source.kind == "page":
            html = decode(exchange.content, content_type)
            return harvest_links(html, exchange.url, source.links)
        if source.kind == "sitemap":
            return await self._sitemap_entries(source, exchange, force=force)
        try:
            feed = parse_feed(exchange.content, exchange.url, content_type)
        except ParseError as error:
            block = detect_block(decode(exchange.content, content_type), exchange.status)
            if block is not None:  # a challenge or consent page where the feed should be
                raise BlockedPageError(exchange.url, block.describe(), exchange.status) from None
            raise ParseError(f"malformed feed: {error}") from None
        if feed.error:  # feedparser recovered a feed from bad input: use what it read
            report.warnings.append(f"feed is not well-formed ({feed.error}); used what was read")
        if feed.ttl:
            report.hint = max(report.hint or 0.0, feed.ttl)
        return list(feed.entries)

    async def _sitemap_entries(
        self, source: Source, exchange: Exchange, *, force: bool
    ) -> list[FeedEntry]:
        """Recent entries of a sitemap, following an index to its most recent children."""
        since = self.clock() - timedelta(seconds=source.recency)
        sitemap = parse_sitemap(exchange.content, exchange.url)
        entries = list(sitemap.entries)
        children = sorted(sitemap.children, key=lambda c: c[1] or since, reverse=True)
        for child_url, lastmod in children[:MAX_SITEMAP_CHILDREN]:
            if lastmod is not None and lastmod < since:
                continue  # nothing recent in there
            try:
                child = await self.fetcher.fetch(
                    child_url, source=source, kind="feed", force=force, delay=source.delay
                )
                nested = parse_sitemap(child.content, child.url)
            except ScraperError as error:
                event(log, logging.WARNING, source.name, child_url, f"sitemap skipped: {error}")
                continue
            entries += nested.entries  # an index of indexes goes no deeper: a bound
        return recent(tuple(entries), since)

    async def _fetch_and_store(
        self, source: Source, fresh: list[FeedEntry], report: SourceReport, *, force: bool
    ) -> None:
        """Fetch and extract the new entries' pages, storing each as soon as it is extracted.

        Pages come one per politeness gap from a host: stored as they come, the index and files
        keep pace with the network instead of piling up at the end of the poll. Only while the
        source's model has learned fewer than `WARM_UP` pages are they held, and learned together,
        so that the first pages of a new source are cleaned of its template too.
        """
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

        held: list[Fetched] = []
        learned = len(self.models.get(source.name).pages)
        if self.handoff is not None and self.handoff_group is not None and learned < WARM_UP:
            self._warming[source.name] = []  # `_fetch_entry` gathers the pages handed off here
        tasks = [asyncio.ensure_future(one(entry)) for entry in fresh]
        try:
            for _ in tasks:
                item = await results.get()
                if isinstance(item, Exception):
                    raise item
                if item is None:
                    warming = self._warming.get(source.name)
                    if warming is not None and learned + len(warming) >= WARM_UP:
                        await self._hand_off_warming(source, report)
                    continue
                held.append(item)
                if learned + len(held) >= WARM_UP:  # once warm, each page goes at once
                    await self._store_items(source, held, report)
                    learned, held = learned + len(held), []
            await self._store_items(source, held, report)
        finally:
            for task in tasks:
                task.cancel()
            # (cut short: the pages gathered are fetched, in WARC; they go over all the same)
            await self._hand_off_warming(source, report)

    async def _hand_off_warming(self, source: Source, report: SourceReport) -> None:
        """Hand over the source's first pages gathered so far, together; later ones go alone."""
        warming = self._warming.pop(source.name, None)
        if warming and self.handoff_group is not None:
            await self.handoff_group(source, warming)
            report.queued += len(warming)

    async def _store_items(
        self, source: Source, fetched: list[Fetched], report: SourceReport
    ) -> None:
        """Teach the source's boilerplate model these pages, then clean and store each."""
        if not fetched:
            return
        model = self.models.get(source.name)
        for item in fetched:
            model.learn(Body(item.article.text, item.article.markdown), item.article.facts)
        self.models.taught(source.name, len(fetched))
        for item in fetched:
            self._store_entry(source, item, report, model)
            # Storing is synchronous; between articles the loop hands extraction results
            # back and new pages to the workers, which would otherwise idle for the batch.
            await asyncio.sleep(0)

    async def archive_page(
        self, source: Source, entry: FeedEntry, exchange: Exchange
    ) -> SourceReport:
        """Extract, clean and store one page another process fetched and handed off (with its
        bytes in `exchange.content`). Idempotent: a page archived already is left alone."""
        return await self.archive_pages(source, [(entry, exchange)])

    async def archive_pages(
        self, source: Source, pages: list[tuple[FeedEntry, Exchange]]
    ) -> SourceReport:
        """`archive_page` for several pages of one source, learned together before any is
        cleaned (a new source's first pages, `handoff_group`)."""
        report = SourceReport(source.name, source.url)
        fresh = []
        for entry, exchange in pages:
            if self.store.find_article(entry.url, entry.guid, source.name):
                report.known += 1
            else:
                fresh.append((entry, exchange))

        async def one(entry: FeedEntry, exchange: Exchange) -> Fetched | None:
            try:
                article = await self._extract_page(source, entry, exchange)
            except ScraperError as error:
                self._problem(source, entry, error, report)
                return None
            return Fetched.of(entry, exchange, article)

        extracted = await asyncio.gather(*(one(entry, exchange) for entry, exchange in fresh))
        await self._store_items(source, [item for item in extracted if item is not None], report)
        return report

    async def archive_handed_off(
        self, source: Source, exchange: Exchange, entry: FeedEntry | str
    ) -> SourceReport | str:
        """Archive a page `handoff` gave away, where it is extracted: a new page (its feed
        entry; `archive_page`) or a revisit (the article's id; `archive_version`)."""
        if isinstance(entry, str):
            return await self.archive_version(source, entry, exchange)
        return await self.archive_page(source, entry, exchange)

    async def _fetch_entry(
        self, source: Source, entry: FeedEntry, report: SourceReport, *, force: bool
    ) -> Fetched | None:
        try:
            exchange = await self.fetcher.fetch(
                entry.url, source=source, kind="page", force=force, delay=source.delay
            )
            if self.handoff is not None:
                self._check_page(exchange, source)
                warming = self._warming.get(source.name)
                if warming is not None:
                    warming.append((exchange, entry))
                    return None
                await self.handoff(source, exchange, entry)
                report.queued += 1
                return None
            article = await self._extract_page(source, entry, exchange)
            return Fetched.of(entry, exchange, article)
        except ScraperError as error:
            self._problem(source, entry, error, report)
            return None

    def _problem(
        self, source: Source, entry: FeedEntry, error: ScraperError, report: SourceReport
    ) -> None:
        """Report a page that was not archived; one that failed stays due, tried again later."""
        url = entry.url
        error = as_blocked(error)
        reason = getattr(error, "reason", None) or str(error)
        if isinstance(error, BlockedError):
            report.skipped.append(Problem(url, reason))
            event(log, logging.INFO, source.name, url, f"skipped: {reason}")
            return
        kind = error.kind if isinstance(error, FetchError) else "storage"
        report.failures.append(Problem(url, reason, kind))
        # A block page's reason says so already ("blocked: a JavaScript shell ...").
        message = reason if kind == "blocked" else f"failed: {reason}"
        event(log, logging.WARNING, source.name, url, message, kind=kind)
        self._record_failure(source.name, url, kind, reason)
        now = self.clock()
        try:
            before = self.store.page_failure(url)
            attempts = (before.attempts if before else 0) + 1
            due = now + timedelta(seconds=page_retry_delay(attempts))
            if isinstance(error, RetryLaterError):
                due = max(due, error.until)
            failure = PageFailure(
                url=url,
                source=source.name,
                entry=entry,
                kind=kind,
                error=reason,
                status=getattr(error, "status", None),
                attempts=attempts,
                first_failed=before.first_failed if before else now,
                last_failed=now,
                next_try=due,
            )
            self.store.record_page_failure(failure)
        except StorageError as problem:
            event(log, logging.ERROR, source.name, url, f"failure not recorded: {problem}")

    def _record_failure(self, source: str, url: str, kind: str, reason: str) -> None:
        """Count a page that failed in its source's health; the index failing here loses only
        the count (the failure is logged already)."""
        try:
            self.store.log_page_failure(source, self.clock(), FailedPage(url, kind, reason))
        except StorageError as error:
            event(log, logging.WARNING, source, url, f"page failure not recorded: {error}")

    def _store_entry(
        self, source: Source, item: Fetched, report: SourceReport, model: BoilerplateModel
    ) -> None:
        entry = item.entry
        article = clean_article(item.article, model)
        try:
            stored = self._store(source, item, article)
        except ScraperError as error:
            self._problem(source, entry, error, report)
            return
        report.new += 1
        event(log, logging.INFO, source.name, entry.url, "archived", id=stored.id, path=stored.path)
        stored = self._place(stored, article)
        if self.on_article:
            self.on_article(stored)
        self._notify("new_article", source.name, stored, text=stored.text)

    async def _extract_page(
        self, source: Source, entry: FeedEntry | None, exchange: Exchange
    ) -> Article:
        """The page's article; a page with no body to read fails, to be tried again later."""
        self._check_page(exchange, source)
        if self._renders(source):
            exchange = await self.renderer.document(source, exchange)  # type: ignore[union-attr]
            self._check_blocked(exchange)  # the document extracted, rendered or not
        article = await self.extract(
            exchange.content, exchange.url, entry, source, exchange.headers.get("content-type")
        )
        if not article.text.strip():
            reason = article.error or "no article body found in the page"
            raise ExtractionError(exchange.requested_url, reason)
        return article

    def _renders(self, source: Source) -> bool:
        """Whether the source's pages may be rendered in a browser before they are extracted."""
        return self.renderer is not None and source.render != "never"

    def _check_page(self, exchange: Exchange, source: Source | None = None) -> None:
        """Refuse what is not an article page, before anyone spends extraction on it: no page
        at all (an empty 200 too), not HTML, or a block or stub page standing in for it (for a
        source that renders, what the browser makes of it is checked instead: a JavaScript
        shell is what it renders)."""
        if not exchange.content.strip():
            raise FetchError(exchange.requested_url, f"HTTP {exchange.status} with no content")
        if exchange.content_type not in HTML_TYPES or looks_binary(exchange.content):
            kind = exchange.content_type or "binary"
            raise FetchError(exchange.requested_url, f"not an HTML page ({kind})")
        if source is None or not self._renders(source):
            self._check_blocked(exchange)

    @staticmethod
    def _check_blocked(exchange: Exchange) -> None:
        content_type = exchange.headers.get("content-type")
        blocked = blocked_page(
            exchange.requested_url, exchange.content, content_type, exchange.status
        )
        if blocked is not None:
            raise blocked

    def _write_files(self, stored: StoredArticle) -> None:
        """Write an article's folder from the index's view of it (inside its transaction)."""
        self.tree.write_article(stored, list(self.store.iter_versions(stored.id)))
        if self.renderer is not None:
            self.renderer.place_screenshot(self.tree.root / stored.path, stored.url)

    def next_revisit(self, source: Source, first_seen: datetime, now: datetime) -> datetime | None:
        """The first scheduled revisit still ahead of `now`, or None when all are done."""
        for delay in source.revisits or self.revisits:
            when = first_seen + timedelta(seconds=delay)
            if when > now:
                return when
        return None

    async def revisit(
        self,
        source: Source,
        article: StoredArticle,
        *,
        force: bool = False,
        entry: FeedEntry | None = None,
    ) -> str:
        """Fetch an archived article again; store a version if a reader would see a change.
        `entry`: the feed's entry when the feed says it changed (kept with the article).

        Returns what happened: "not modified", "unchanged", "minor", "major" or "failed: ...".
        """
        count, _ = self.store.revisit_state(article.id)
        now = self.clock()
        try:
            exchange = await self.fetcher.fetch(
                # A rendered page's shell rarely changes when its article does: ask in full.
                article.url,
                source=source,
                kind="page",
                conditional=source.render == "never",
                force=force,
                delay=source.delay,
            )
            if exchange.status == 304:
                outcome = "not modified"
            elif self.handoff is not None:
                _, digest = self.store.revisit_basis(article.id)
                if self._same_bytes(source, digest, exchange, entry):
                    outcome = "unchanged"
                else:
                    self._check_page(exchange, source)
                    if entry is not None:  # extracted there with it; the bytes are unknown
                        self.store.set_revisit_basis(article.id, None, entry)
                    await self.handoff(source, exchange, article.id)
                    outcome = "queued for extraction"
            else:
                outcome = await self._new_version(source, article, exchange, entry)
            # Its validators are kept only now that what it holds is kept (or queued).
            self.fetcher.remember_validators(exchange)
            seen: datetime | None = exchange.fetched_at
        except ScraperError as error:
            outcome = self._revisit_failed(source, article, error)
            seen = None
        self.store.touch_article(
            article.id,
            seen_at=seen,
            revisits=count + 1,
            next_revisit=self.next_revisit(source, article.first_seen, now),
        )
        level = logging.WARNING if outcome.startswith("failed") else logging.INFO
        event(log, level, source.name, article.url, f"revisited: {outcome}", id=article.id)
        return outcome

    async def archive_version(self, source: Source, article_id: str, exchange: Exchange) -> str:
        """Extract a revisited page another process fetched and handed off; store a version if
        a reader would see a change. Returns the outcome, as `revisit` does."""
        article = self.store.get_article(article_id)
        if article is None:
            return "failed: the article is no longer in the archive"
        try:
            outcome = await self._new_version(source, article, exchange)
        except ScraperError as error:
            outcome = self._revisit_failed(source, article, error)
        level = logging.WARNING if outcome.startswith("failed") else logging.INFO
        event(log, level, source.name, article.url, f"revisited: {outcome}", id=article.id)
        return outcome

    def _revisit_failed(self, source: Source, article: StoredArticle, error: ScraperError) -> str:
        """The outcome of a revisit that failed (a block page among others: never a version),
        counted in the source's health; the caller logs it."""
        error = as_blocked(error)
        reason = getattr(error, "reason", None) or str(error)
        self._record_failure(source.name, article.url, getattr(error, "kind", "failed"), reason)
        return f"failed: {reason}"

    def _same_bytes(
        self, source: Source, digest: str | None, exchange: Exchange, entry: FeedEntry | None
    ) -> bool:
        """Whether the page's bytes are those last compared (`digest`), the feed's entry
        unchanged: bytes identical to what is archived are no edit, and cost no extraction. Not
        for a page the browser renders: its shell stays the same when its article changes."""
        if entry is not None or digest is None or self._renders(source):
            return False
        return digest == payload_digest(exchange.content)

    async def _new_version(
        self,
        source: Source,
        article: StoredArticle,
        exchange: Exchange,
        entry: FeedEntry | None = None,
    ) -> str:
        """Extract the page fetched again, clean it, and store a version if it changed.

        The page is extracted with the feed entry the article was found by (or the changed one
        the feed gives now): what the feed supplied and the page does not state (a byline, a
        time, a title) is not an edit when the page alone lacks it.
        """
        kept, digest = self.store.revisit_basis(article.id)
        if self._same_bytes(source, digest, exchange, entry):
            return "unchanged"
        model = self.models.get(source.name)
        page = await self._extract_page(source, entry or kept, exchange)
        fresh = clean_article(page, model)
        old = self._then(article, model)
        live: frozenset[str] = frozenset()
        if classify_change(old, Snapshot.of(fresh)) != "none":
            live = await self._second_look(source, article.url, exchange, fresh, entry or kept)
        outcome = self._record_version(article, fresh, exchange, old, live)
        self.store.set_revisit_basis(article.id, payload_digest(exchange.content), entry)
        return outcome

    async def _second_look(
        self, source: Source, url: str, first: Exchange, fresh: Article, entry: FeedEntry | None
    ) -> frozenset[str]:
        """The body lines that differ between this fetch and another moments later: live
        furniture, not an edit. A change is confirmed by a second look before it is a version
        (one more request, only when a page seems to have changed)."""
        try:
            again = await self.fetcher.fetch(url, source=source, kind="page", delay=source.delay)
            if again.content == first.content:
                return frozenset()
            model = self.models.get(source.name)
            second = clean_article(await self._extract_page(source, entry, again), model)
        except ScraperError:
            return frozenset()  # no second look to be had: the change stands as seen
        return live_lines(fresh.text, second.text)

    @staticmethod
    def _then(article: StoredArticle, model: BoilerplateModel) -> Snapshot:
        """The stored state, its text cleaned with what the source's model knows now.

        The stored text was cleaned with what the model knew then (of a new source's first page:
        nothing). Compared as cleaned now, a page that only lost template lines since is
        unchanged, and an edit's diff shows the edit alone."""
        then = model.clean(Body(article.text, article.markdown))
        return Snapshot(
            article.title,
            then.text or article.text,
            article.authors,
            article.published,
            article.updated,
            furniture_of(then.markdown or article.markdown),
        )

    def _record_version(
        self,
        article: StoredArticle,
        fresh: Article,
        exchange: Exchange,
        old: Snapshot,
        live: frozenset[str] = frozenset(),
    ) -> str:
        new = Snapshot.of(fresh)
        kind = classify_change(old, new, live)
        if kind == "none":
            return "unchanged"
        number = article.versions + 1
        diff = version_diff(old, new, f"v{number - 1}", f"v{number}")
        changes = render_word_diff(
            word_diff(describe_snapshot(old), describe_snapshot(new)), color=False, context=6
        )
        stored = self.store.add_version(
            article.id,
            fresh,
            fetched_at=exchange.fetched_at,
            minor=kind == "minor",
            diff=diff,
            word_diff=changes,
            warc=exchange.warc,
            before_commit=self._write_files,
        )
        if kind == "major":
            stored = self._place(stored, fresh)  # a new text may join (or leave) a story
        if self.on_version:
            self.on_version(stored, kind)
        if kind == "major":
            self._notify("new_version", stored.source, stored, diff=changes)
        return kind

    def _place(self, stored: StoredArticle, article: Article) -> StoredArticle:
        """Join the article to the story it belongs to; a failure never loses the article."""
        if self._deduper is None:
            self._deduper = self.store.dedupe_engine()
        doc = DedupeDoc(
            id=stored.id,
            url=stored.url,
            text=stored.text,
            title=stored.title,
            published=stored.published,
            credited_url=article.original_url,
            credit_in_text=article.credit_in_text,
            canonical_url=article.canonical_url,
            first_seen=stored.first_seen,
            fingerprint=article.fingerprint if stored.text == article.text else None,
        )
        try:
            placement = self.store.place_article(self._deduper, doc)
        except Exception as error:  # noqa: BLE001 - dedupe is an index over the archive
            event(log, logging.ERROR, stored.source, stored.url, f"dedupe failed: {error!r}")
            return stored
        if len(placement.members) < 2:
            alone = self.store.get_article(stored.id) or stored
            if (alone.original_url, alone.story_id) != (stored.original_url, stored.story_id):
                self._write_files(alone)  # a claim the text did not bear out names no original
            return alone
        for member in placement.members:  # their files name the story and its original
            current = self.store.get_article(member)
            if current is not None:
                self._write_files(current)
        story = self.store.story(placement.story)
        original = story.original_member() if story else None
        event(
            log,
            logging.INFO,
            stored.source,
            stored.url,
            "joined a story",
            story=placement.story,
            members=len(placement.members),
            original=placement.original_url,
            reason=placement.original.reason,
            tie=placement.original.tie,
        )
        updated = self.store.get_article(stored.id) or stored
        if original is not None:
            copy = updated if original.id != stored.id else None
            note = (
                f"Copy: {copy.url}\nOriginal: {original.url} ({placement.original.reason})"
                if copy
                else f"Original: {original.url}; copies: "
                + ", ".join(m.url for m in (story.members if story else ()) if m.id != original.id)
            )
            self._notify("new_republication", stored.source, updated, diff=note)
        return updated

    def _notify(self, kind: str, source: str, article: StoredArticle, **extra: str) -> None:
        if self.notify is None:
            return
        link = (self.tree.root / article.path / "article.md").as_uri()
        self.notify(
            Notice(
                kind, source, article.title or article.url, article.url, archive_link=link, **extra
            )
        )

    def _store(self, source: Source, item: Fetched, article: Article) -> StoredArticle:
        entry, exchange = item.entry, item.exchange
        final_url, fetched_at = exchange.url, exchange.fetched_at
        url = entry.url
        ident = article_id(url)
        when = article.published or entry.published or fetched_at
        path = self.tree.folder_for(
            url, article.title or entry.title, when, ident, self.store.path_owner
        )
        aliases = tuple(
            u for u in (final_url, article.canonical_url) if u and self._same_site(u, url)
        )
        return self.store.save_article(
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
            next_revisit=self.next_revisit(source, fetched_at, fetched_at),
            before_commit=self._write_files,
        )

    @staticmethod
    def _same_site(a: str, b: str) -> bool:
        """A canonical on another site names the original, not another address of this copy."""
        return normalize_url(a).split("/")[2] == normalize_url(b).split("/")[2]

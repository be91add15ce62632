"""One poll of one source: its listing read, new pages archived, changed ones revisited, and its
state (next poll, failures, the feed's address) kept."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from scraper.encoding import decode
from scraper.errors import BlockedPageError, GoneError, ParseError, ScraperError, StorageError
from scraper.extract.blocked import as_blocked, detect_block
from scraper.fetch.fetcher import PERMANENT_REDIRECTS
from scraper.listings.feeds import parse_feed
from scraper.listings.sections import harvest_links
from scraper.listings.sitemaps import parse_sitemap, recent
from scraper.logs import event
from scraper.models import Exchange, FeedEntry, Notice, Source
from scraper.pipeline.markers import entry_marker
from scraper.pipeline.pages import NewPages
from scraper.pipeline.parts import Parts
from scraper.pipeline.report import SourceReport
from scraper.pipeline.revisits import Revisits
from scraper.pipeline.schedule import after_poll, max_age
from scraper.urls import normalize_url

log = logging.getLogger("scraper.pipeline")

FAILING_AFTER = 3  # consecutive failed polls that make a source "failing" (one notice)
MAX_SITEMAP_CHILDREN = 10  # child sitemaps of an index read per poll, most recent first


class Poller:
    """Polls sources: reads a listing and hands its entries to the new-page and revisit parts."""

    def __init__(self, parts: Parts, pages: NewPages, revisits: Revisits) -> None:
        self.parts, self.pages, self.revisits = parts, pages, revisits

    async def poll(self, source: Source, *, force: bool = False) -> SourceReport:
        """Poll one source's feed and archive every entry not archived yet."""
        store = self.parts.store
        state = store.source_state(source.name)
        feed_url = source.url
        if state.feed_url and state.configured_feed == source.url:
            feed_url = state.feed_url  # the feed moved permanently; keep following it
        report = SourceReport(source.name, feed_url)
        if state.disabled and state.configured_feed == source.url and not force:
            report.error = f"disabled: {state.disabled} (use --force to try again)"
            return report
        now = self.parts.clock()
        state = replace(state, last_poll=now, configured_feed=source.url)
        try:
            await self._read_listing(source, feed_url, report, force=force)
        except GoneError as error:
            state = replace(state, disabled=error.reason)
            report.error = f"{error.reason}; the source is disabled"
        except ScraperError as error:
            error = as_blocked(error)  # a feed answered by a block page says so
            report.error = getattr(error, "reason", None) or str(error)
            report.status = getattr(error, "status", None)
        finally:
            self.save_models(source.name)
        if report.error:
            event(log, logging.WARNING, source.name, feed_url, f"poll failed: {report.error}")
            self._tell_failing(source, state.failures + 1, report, feed_url)
        state = after_poll(state, source, self.parts.schedule, report, feed_url, now)
        try:
            store.save_source_state(state)
            store.record_poll(source.name, now, report.poll_record())
            if report.new or report.queued:
                self._check_health(source, report)
        except StorageError as error:
            report.error = report.error or str(error)
        return report

    def _tell_failing(
        self, source: Source, failures: int, report: SourceReport, feed_url: str
    ) -> None:
        """One notice when a source's polls have failed `FAILING_AFTER` times in a row."""
        if failures == FAILING_AFTER and self.parts.notify is not None:
            reason = f"{failures} polls failed in a row: {report.error}"
            self.parts.notify(Notice("source_failing", source.name, reason, feed_url))

    def save_models(self, source: str | None = None) -> None:
        """Write back the boilerplate learned and not saved yet (one source's, or all); a
        failure is logged: the model is a heuristic, the articles are stored already."""
        try:
            self.parts.models.save(source)
        except StorageError as error:
            event(log, logging.WARNING, source, None, f"boilerplate model not saved: {error}")

    def _check_health(self, source: Source, report: SourceReport) -> None:
        """Warn, with the source's name, when its pages stop extracting as they used to."""
        flag = self.parts.store.health(source.name).flag
        if flag:
            report.warnings.append(flag)
            event(log, logging.WARNING, source.name, source.url, flag)

    async def _read_listing(
        self, source: Source, feed_url: str, report: SourceReport, *, force: bool
    ) -> None:
        parts = self.parts
        exchange = await parts.fetcher.fetch(
            feed_url, source=source, kind="feed", conditional=True, force=force, delay=source.delay
        )
        self._follow_moves(source, feed_url, exchange, report)
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
        fresh, changed = self._sort_entries(source, entries, report)
        fresh = self._with_failed_pages(source, fresh, report, force=force)
        if fresh and parts.handoff is not None:  # handed on by an earlier poll, not stored yet
            queued = await parts.handoff.pending([entry.url for entry in fresh])
            fresh = [entry for entry in fresh if entry.url not in queued]
        await self.pages.fetch_and_store(source, fresh, report, force=force)
        # Only now does the feed count as read: every page it listed is stored, queued (in the
        # journal or the cluster's queue) or recorded as failed, due again. Cut short before
        # (a stop, a kill), the next poll reads the whole feed again.
        parts.fetcher.remember_validators(exchange)
        for known, entry in changed:  # the feed says these changed: look now
            await self._revisit_changed(source, known, entry, report, force=force)

    @staticmethod
    def _follow_moves(
        source: Source, feed_url: str, exchange: Exchange, report: SourceReport
    ) -> None:
        if exchange.redirects and all(s in PERMANENT_REDIRECTS for s, _ in exchange.redirects):
            report.feed_url = exchange.redirects[-1][1]
            message = f"feed moved permanently to {report.feed_url}; following it from now on"
            event(log, logging.WARNING, source.name, feed_url, message)

    def _sort_entries(
        self, source: Source, entries: list[FeedEntry], report: SourceReport
    ) -> tuple[list[FeedEntry], list[tuple[str, FeedEntry]]]:
        """The entries not archived yet, and the archived ones the feed says changed."""
        fresh, changed = [], []
        for entry in entries:
            known = self.parts.store.find_article(entry.url, entry.guid, source.name)
            if not known:
                fresh.append(entry)
                continue
            report.known += 1
            _, marker = self.parts.store.revisit_state(known)
            if marker is not None and marker != entry_marker(entry):
                changed.append((known, entry))
        return fresh, changed

    async def _revisit_changed(
        self, source: Source, known: str, entry: FeedEntry, report: SourceReport, *, force: bool
    ) -> None:
        store = self.parts.store
        stored = store.get_article(known)
        if stored is None:
            return
        outcome = await self.revisits.revisit(source, stored, force=force, entry=entry)
        if outcome in {"major", "minor"}:
            report.updated += 1
        store.touch_article(
            known,
            seen_at=None,
            entry_marker=entry_marker(entry),
            next_revisit=self.parts.next_revisit(source, stored.first_seen, self.parts.clock()),
        )

    def _with_failed_pages(
        self, source: Source, fresh: list[FeedEntry], report: SourceReport, *, force: bool
    ) -> list[FeedEntry]:
        """The new entries to fetch, with the source's pages that failed before: each is tried
        again once it is due (a backoff), whether or not the feed still lists it."""
        store, now = self.parts.store, self.parts.clock()
        failed = {normalize_url(f.url): f for f in store.page_failures(source.name)}
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
            elif store.find_article(failure.url, failure.entry.guid, source.name):
                store.clear_page_failure(failure.url)  # archived by another way
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
        since = self.parts.clock() - timedelta(seconds=source.recency)
        sitemap = parse_sitemap(exchange.content, exchange.url)
        entries = list(sitemap.entries)
        children = sorted(sitemap.children, key=lambda c: c[1] or since, reverse=True)
        for child_url, lastmod in children[:MAX_SITEMAP_CHILDREN]:
            if lastmod is not None and lastmod < since:
                continue  # nothing recent in there
            try:
                child = await self.parts.fetcher.fetch(
                    child_url, source=source, kind="feed", force=force, delay=source.delay
                )
                nested = parse_sitemap(child.content, child.url)
            except ScraperError as error:
                event(log, logging.WARNING, source.name, child_url, f"sitemap skipped: {error}")
                continue
            entries += nested.entries  # an index of indexes goes no deeper: a bound
        return recent(tuple(entries), since)

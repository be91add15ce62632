"""Pages that were not archived: reported, logged with source and URL, counted in the source's
health, and kept due (with a backoff) until they are archived."""

from __future__ import annotations

import logging
from datetime import timedelta

from scraper.errors import BlockedError, FetchError, RetryLaterError, ScraperError, StorageError
from scraper.extract.blocked import as_blocked
from scraper.logs import event
from scraper.models import FeedEntry, Source, StoredArticle
from scraper.pipeline.parts import Parts
from scraper.pipeline.report import Problem, SourceReport
from scraper.pipeline.schedule import page_retry_delay
from scraper.store.base import PageFailure
from scraper.store.health import FailedPage

log = logging.getLogger("scraper.pipeline")


class Failures:
    """Records what went wrong with a page, where the user and the next poll will see it."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    def page(
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
        self.count(source.name, url, kind, reason)
        try:
            self._keep_due(source, entry, error, kind, reason)
        except StorageError as problem:
            event(log, logging.ERROR, source.name, url, f"failure not recorded: {problem}")

    def _keep_due(
        self, source: Source, entry: FeedEntry, error: ScraperError, kind: str, reason: str
    ) -> None:
        """Keep the page due again after a backoff that grows with its failures."""
        store, now = self.parts.store, self.parts.clock()
        before = store.page_failure(entry.url)
        attempts = (before.attempts if before else 0) + 1
        due = now + timedelta(seconds=page_retry_delay(attempts))
        if isinstance(error, RetryLaterError):
            due = max(due, error.until)
        store.record_page_failure(
            PageFailure(
                url=entry.url,
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
        )

    def count(self, source: str, url: str, kind: str, reason: str) -> None:
        """Count a page that failed in its source's health; the index failing here loses only
        the count (the failure is logged already)."""
        try:
            self.parts.store.log_page_failure(
                source, self.parts.clock(), FailedPage(url, kind, reason)
            )
        except StorageError as error:
            event(log, logging.WARNING, source, url, f"page failure not recorded: {error}")

    def revisit(self, source: Source, article: StoredArticle, error: ScraperError) -> str:
        """The outcome of a revisit that failed (a block page among others: never a version),
        counted in the source's health; the caller logs it."""
        error = as_blocked(error)
        reason = getattr(error, "reason", None) or str(error)
        self.count(source.name, article.url, getattr(error, "kind", "failed"), reason)
        return f"failed: {reason}"

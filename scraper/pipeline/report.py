"""What one poll of one source did: the CLI prints it, the daemon logs it, the index keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper.store.health import PollRecord


@dataclass(frozen=True)
class Problem:
    """A page that was not archived, and why."""

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
    queued: int = 0  # pages fetched and handed to the extraction tier (`PageHandoff`)
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

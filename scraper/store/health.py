"""Source health: how its polls go, and whether extraction still works on its pages. Pure.

A site redesign silently breaks extraction: bodies shrink, dates and bylines vanish. Comparing
the last pages with the ones before catches it before a user notices months of empty articles.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW = 50  # pages compared in each window
MIN_PAGES = 10  # fewer pages than this in a window say nothing
BODY_DROP = 0.5  # median body length falling below half of what it was
SHARE_DROP = 0.4  # the share of pages with a date (or an author) falling by 40 points
PAGES_FAILING = 0.2  # a source whose polls fail to fetch this share of their pages is not ok


@dataclass(frozen=True)
class PollRecord:
    ok: bool  # the listing (feed, sitemap, section page) was read
    status: int | None
    entries: int
    new: int
    pages: int = 0  # article pages the poll fetched (or tried to)
    failed_pages: int = 0
    page_error: str | None = None  # the last page that failed: "URL: reason"


@dataclass(frozen=True)
class FailedPage:
    """A fetch of a source's page that failed, as health counts it: of kind "blocked" (the
    site sent a block or stub page instead) or another (fetch, extraction, storage)."""

    url: str
    kind: str
    reason: str


@dataclass(frozen=True)
class PageRecord:
    body_chars: int
    has_date: bool
    has_author: bool


@dataclass(frozen=True)
class ExtractionHealth:
    pages: int
    median_body_chars: float
    date_share: float
    author_share: float


@dataclass(frozen=True)
class Health:
    polls: int
    failed_share: float
    last_status: int | None
    entries_per_poll: float
    extraction: ExtractionHealth | None
    flag: str | None  # why extraction looks broken now, if it does
    pages: int = 0  # article pages the polls fetched (or tried to)
    failed_pages_share: float = 0.0
    last_page_error: str | None = None
    # Pages that failed since the first of these polls (blocked ones included, revisits too),
    # and of them the block or stub pages, with the latest.
    failed_pages: int = 0
    blocked_pages: int = 0
    last_blocked: FailedPage | None = None

    @property
    def pages_failing(self) -> str | None:
        """Why the source's article pages look broken, or None: its feed may be read fine while
        every page it lists fails (moved, blocked, erroring)."""
        if not self.pages or self.failed_pages_share < PAGES_FAILING:
            return None
        return f"{self.failed_pages_share:.0%} of {self.pages} pages failed"


def _extraction(pages: Sequence[PageRecord]) -> ExtractionHealth | None:
    if not pages:
        return None
    return ExtractionHealth(
        pages=len(pages),
        median_body_chars=statistics.median(p.body_chars for p in pages),
        date_share=sum(p.has_date for p in pages) / len(pages),
        author_share=sum(p.has_author for p in pages) / len(pages),
    )


def extraction_drop(now: ExtractionHealth | None, before: ExtractionHealth | None) -> str | None:
    """Why extraction got sharply worse between two windows, or None."""
    if now is None or before is None or now.pages < MIN_PAGES or before.pages < MIN_PAGES:
        return None
    if before.median_body_chars and now.median_body_chars < before.median_body_chars * BODY_DROP:
        return (
            f"median body fell from {before.median_body_chars:.0f} to "
            f"{now.median_body_chars:.0f} characters"
        )
    if before.date_share - now.date_share >= SHARE_DROP:
        return f"pages with a date fell from {before.date_share:.0%} to {now.date_share:.0%}"
    if before.author_share - now.author_share >= SHARE_DROP:
        return f"pages with an author fell from {before.author_share:.0%} to {now.author_share:.0%}"
    return None


def assess(polls: Sequence[PollRecord], pages: Sequence[PageRecord]) -> Health:
    """Health from the latest polls and pages, newest first."""
    recent, earlier = pages[:WINDOW], pages[WINDOW : 2 * WINDOW]
    now = _extraction(recent)
    drop = extraction_drop(now, _extraction(earlier))
    tried = sum(p.pages for p in polls)
    return Health(
        polls=len(polls),
        failed_share=(sum(not p.ok for p in polls) / len(polls)) if polls else 0.0,
        last_status=polls[0].status if polls else None,
        entries_per_poll=(sum(p.entries for p in polls) / len(polls)) if polls else 0.0,
        extraction=now,
        flag=f"extraction health dropped: {drop} (a site redesign?)" if drop else None,
        pages=tried,
        failed_pages_share=(sum(p.failed_pages for p in polls) / tried) if tried else 0.0,
        last_page_error=next((p.page_error for p in polls if p.page_error), None),
    )

"""The index interface every pipeline stage talks to.

The stages never see SQL: they call these methods. `SQLiteStore` is the embedded default;
`PostgresStore` (scale-out) implements the same protocol, and both pass one contract test suite
(tests/test_store_contract.py). `scraper.store.open_store(config)` opens the configured one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from scraper.dedupe import DedupeDoc, Deduper, Placement
from scraper.models import Article, FeedEntry, StoredArticle, StoredVersion, WarcLocation
from scraper.store.health import FailedPage, Health, PollRecord
from scraper.store.search import SearchHit
from scraper.store.stories import StoryView


@dataclass(frozen=True)
class HostHold:
    """A host we must not ask again before `until` (Retry-After, robots 5xx, backoff)."""

    host: str
    until: datetime
    reason: str


@dataclass(frozen=True)
class RobotsRecord:
    host: str
    status: int  # HTTP status of robots.txt; 0 when unreachable
    text: str
    expires: datetime


@dataclass(frozen=True)
class FetchRecord:
    """One line of the fetch log: every request we made, whatever came of it."""

    url: str
    source: str | None
    fetched_at: datetime
    status: int | None
    error: str | None = None
    size: int = 0
    warc: WarcLocation | None = None  # the record written of it, if one was
    kind: str = "page"  # feed, page, robots, asset (a rendered page's load), render, screenshot


# Fetch-log kinds of the records a render makes (an export brings them along with the page).
RENDER_KIND, SCREENSHOT_KIND = "render", "screenshot"
RECORD_KINDS = (RENDER_KIND, SCREENSHOT_KIND)


@dataclass(frozen=True)
class PageFailure:
    """A page a feed listed that is not archived yet: its fetch or its extraction failed. It
    stays due (`next_try`) until it is archived, whether or not the feed still lists it."""

    url: str
    source: str
    entry: FeedEntry
    kind: str  # fetch, blocked, extraction
    error: str
    status: int | None
    attempts: int
    first_failed: datetime
    last_failed: datetime
    next_try: datetime


@dataclass(frozen=True)
class SourceState:
    """What the index remembers of a source between polls and restarts."""

    name: str
    configured_feed: str | None = None  # the feed URL the config gave when feed_url was learned
    feed_url: str | None = None  # where that feed lives now, after permanent redirects
    last_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed polls
    next_poll: datetime | None = None
    disabled: str | None = None  # why the source is disabled (410 Gone), if it is
    interval: float | None = None  # the adaptive poll interval in force, in seconds
    articles: int = 0


class Store(Protocol):
    """The archive index."""

    label: str  # how messages name it: a file path, or a URL without its password

    # -- fetch state ------------------------------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None]: ...
    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None: ...
    def get_host_hold(self, host: str) -> HostHold | None: ...
    def set_host_hold(self, hold: HostHold) -> None: ...
    def get_robots(self, host: str) -> RobotsRecord | None: ...
    def set_robots(self, record: RobotsRecord) -> None: ...
    def find_payload(self, digest: str) -> tuple[str, str] | None: ...
    def remember_payload(self, digest: str, uri: str, date: str) -> None: ...
    def log_fetch(self, record: FetchRecord) -> None: ...
    def fetch_log(self, url: str | None = None, limit: int = 100) -> list[FetchRecord]: ...

    def get_boilerplate(self, source: str) -> str | None: ...
    def set_boilerplate(self, source: str, model: str) -> None: ...

    # -- sources ----------------------------------------------------------------------------
    def source_state(self, name: str) -> SourceState: ...
    def save_source_state(self, state: SourceState) -> None: ...
    def source_states(self) -> list[SourceState]: ...
    def record_poll(self, source: str, at: datetime, poll: PollRecord) -> None: ...
    def log_page_failure(self, source: str, at: datetime, failure: FailedPage) -> None: ...
    def health(self, source: str, polls: int = 100) -> Health: ...

    # -- articles ---------------------------------------------------------------------------
    def find_article(
        self, url: str, guid: str | None = None, source: str | None = None
    ) -> str | None: ...
    def save_article(
        self,
        *,
        source: str,
        url: str,
        article: Article,
        entry: FeedEntry | None,
        fetched_at: datetime,
        path: str,
        aliases: tuple[str, ...] = (),
        warc: WarcLocation | None = None,
        entry_marker: str | None = None,
        next_revisit: datetime | None = None,
        payload_digest: str | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle: ...
    def add_version(
        self,
        article_id: str,
        article: Article,
        *,
        fetched_at: datetime,
        minor: bool,
        diff: str,
        word_diff: str | None = None,
        warc: WarcLocation | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle: ...
    def touch_article(
        self,
        article_id: str,
        *,
        seen_at: datetime | None,
        next_revisit: datetime | None,
        revisits: int | None = None,
        entry_marker: str | None = None,
    ) -> None: ...
    def revisit_state(self, article_id: str) -> tuple[int, str | None]: ...
    def revisit_basis(self, article_id: str) -> tuple[FeedEntry | None, str | None]: ...
    def set_revisit_basis(
        self, article_id: str, digest: str | None, entry: FeedEntry | None = None
    ) -> None: ...
    def clear_page_failure(self, url: str) -> None: ...
    def recent_versions(self, limit: int = 100) -> list[tuple[StoredArticle, StoredVersion]]: ...
    def due_revisits(
        self, now: datetime, *, source: str | None = None, limit: int = 100
    ) -> list[StoredArticle]: ...
    def get_article(self, key: str) -> StoredArticle | None: ...
    def path_owner(self, path: str) -> str | None: ...
    def iter_articles(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[StoredArticle]: ...
    def iter_versions(self, article_id: str) -> Iterator[StoredVersion]: ...
    def count_articles(self, source: str | None = None) -> int: ...
    def delete_articles(self, ids: list[str]) -> None: ...
    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]: ...
    def check_integrity(self) -> list[str]: ...

    # -- pages not archived yet --------------------------------------------------------------
    def page_failure(self, url: str) -> PageFailure | None: ...
    def record_page_failure(self, failure: PageFailure) -> None: ...
    def page_failures(
        self, source: str | None = None, *, due: datetime | None = None, limit: int = 1000
    ) -> list[PageFailure]: ...
    @property
    def schema_version(self) -> int: ...
    def close(self) -> None: ...

    # -- stories (republication dedupe) ------------------------------------------------------
    def dedupe_engine(self) -> Deduper: ...
    def place_article(self, deduper: Deduper, doc: DedupeDoc) -> Placement: ...
    def story(self, story_id: str) -> StoryView | None: ...
    def stories(self, limit: int = 100) -> list[StoryView]: ...

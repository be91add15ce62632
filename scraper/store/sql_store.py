"""The `Store` methods both indexes run alike, written once over the shared SQL (`sql`).

`SQLiteStore` and `PostgresStore` subclass `SQLStore` and keep what truly differs: connections,
transactions and locks, how times are kept, full-text search, schema and migrations, deletion
in bulk, story placement, and the article insert (how a second insert of one article fails).
Reads go through the backend's `_query`, writes through `_write` (one transaction).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import astuple, replace
from datetime import datetime
from typing import Any

from scraper.errors import StorageError
from scraper.models import Article, FeedEntry, StoredArticle, StoredVersion, WarcLocation
from scraper.store.base import FetchRecord, HostHold, PageFailure, RobotsRecord, SourceState
from scraper.store.connection import Connection
from scraper.store.health import WINDOW, FailedPage, Health, PageRecord, PollRecord, assess
from scraper.store.search import SearchHit
from scraper.store.sql import (
    ARTICLE_COLUMNS,
    ARTICLE_FIELDS,
    VERSION_COLUMNS,
    VERSION_FIELDS,
    fetch_record,
    offset_of,
    source_state_record,
    stored_article,
    stored_version,
)
from scraper.store.stories import StoryView
from scraper.urls import article_id, normalize_url

INSERT_ARTICLE = (
    "INSERT INTO articles (id, url, source, guid, title, authors, published, updated, "
    "language, tags, text, markdown, canonical_url, original_url, original_source, "
    "description, image, story_id, versions, first_seen, last_seen, path, "
    "extraction_error, entry_marker, next_revisit, credited_url, feed_entry, payload_digest, "
    "published_offset, updated_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
ARTICLE_BY_ID = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?"
# A version joined to its article: the article's columns as they are, the version's as v_*.
RECENT_COLUMNS = ", ".join(
    [f"a.{c}" for c in ARTICLE_FIELDS] + [f"v.{c} AS v_{c}" for c in VERSION_FIELDS]
)


class SQLStore(ABC):
    """The `Store` interface over an SQL index, less what each engine does its own way."""

    label: str
    _insertion_order: str  # the articles column that keeps their order of insertion

    # -- what each backend provides --------------------------------------------------------
    @abstractmethod
    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of one read (a `?` statement), readable by column name."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Connection]:
        """One write transaction, as a `Connection` that runs `?` statements."""

    @staticmethod
    @abstractmethod
    def _ts(value: datetime | None) -> Any:
        """A time as the index keeps it (UTC, to the second)."""

    @staticmethod
    @abstractmethod
    def _dt(value: Any) -> datetime | None:
        """A time the index kept, as a datetime."""

    @abstractmethod
    def _insert_article(self, db: Connection, args: tuple[Any, ...]) -> None:
        """Run `INSERT_ARTICLE` (`args`: its values, the id and URL first); StorageError when
        the index holds the article already."""

    @abstractmethod
    def _lock_article(self, db: Connection, article_id: str) -> None:
        """Keep other writers off the article while its next version number is taken."""

    @abstractmethod
    def _search(
        self, query: str, where: str, args: list[Any], limit: int, marks: tuple[str, str]
    ) -> list[SearchHit]:
        """`search` in the engine's full-text index, filtered by `where` (" AND ..." clauses on
        the articles, named `a`) and its `args`."""

    @abstractmethod
    def story(self, story_id: str) -> StoryView | None: ...

    # -- integrity -------------------------------------------------------------------------
    def check_integrity(self) -> list[str]:
        """Problems in the index itself: aliases to no article, version counts that disagree
        with the version rows."""
        problems = []
        dangling = self._query(
            "SELECT COUNT(*) AS n FROM article_urls u LEFT JOIN articles a ON a.id = u.article_id "
            "WHERE a.id IS NULL"
        )[0]["n"]
        if dangling:
            problems.append(f"{dangling} URL aliases point at no article")
        for row in self._query(
            "SELECT a.id FROM articles a WHERE a.versions != (SELECT COUNT(*) FROM versions v "
            "WHERE v.article_id = a.id AND NOT v.minor) ORDER BY a.id"
        ):
            problems.append(f"{row['id']}: version count disagrees with its version rows")
        return problems

    # -- fetch state -----------------------------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        rows = self._query("SELECT etag, last_modified FROM validators WHERE url = ?", (url,))
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO validators (url, etag, last_modified) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                (url, etag, last_modified),
            )

    def get_host_hold(self, host: str) -> HostHold | None:
        rows = self._query("SELECT until, reason FROM host_holds WHERE host = ?", (host,))
        if not rows:
            return None
        until = self._dt(rows[0]["until"])
        assert until is not None
        return HostHold(host, until, rows[0]["reason"])

    def set_host_hold(self, hold: HostHold) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO host_holds (host, until, reason) VALUES (?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (hold.host, self._ts(hold.until), hold.reason),
            )

    def get_robots(self, host: str) -> RobotsRecord | None:
        rows = self._query("SELECT status, text, expires FROM robots WHERE host = ?", (host,))
        if not rows:
            return None
        expires = self._dt(rows[0]["expires"])
        assert expires is not None
        return RobotsRecord(host, rows[0]["status"], rows[0]["text"], expires)

    def set_robots(self, record: RobotsRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO robots (host, status, text, expires) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET status = excluded.status, "
                "text = excluded.text, expires = excluded.expires",
                (record.host, record.status, record.text, self._ts(record.expires)),
            )

    def find_payload(self, digest: str) -> tuple[str, str] | None:
        rows = self._query("SELECT uri, date FROM payloads WHERE digest = ?", (digest,))
        return (rows[0]["uri"], rows[0]["date"]) if rows else None

    def remember_payload(self, digest: str, uri: str, date: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO payloads (digest, uri, date) VALUES (?, ?, ?) "
                "ON CONFLICT (digest) DO NOTHING",
                (digest, uri, date),
            )

    def log_fetch(self, record: FetchRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO fetch_log (url, source, kind, fetched_at, status, error, size, "
                "warc_file, warc_offset, warc_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.url,
                    record.source,
                    record.kind,
                    self._ts(record.fetched_at),
                    record.status,
                    record.error,
                    record.size,
                    record.warc.file if record.warc else None,
                    record.warc.offset if record.warc else None,
                    record.warc.length if record.warc else None,
                ),
            )

    def fetch_log(self, url: str | None = None, limit: int = 100) -> list[FetchRecord]:
        where, args = ("WHERE url = ?", (url,)) if url else ("", ())
        rows = self._query(
            f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        )
        return [fetch_record(r, self._dt) for r in rows]

    def get_boilerplate(self, source: str) -> str | None:
        rows = self._query("SELECT model FROM boilerplate WHERE source = ?", (source,))
        return str(rows[0]["model"]) if rows else None

    def set_boilerplate(self, source: str, model: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO boilerplate (source, model) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET model = excluded.model",
                (source, model),
            )

    # -- sources ---------------------------------------------------------------------------
    def source_state(self, name: str) -> SourceState:
        rows = self._query("SELECT * FROM sources WHERE name = ?", (name,))
        count = self.count_articles(name)
        if not rows:
            return SourceState(name=name, articles=count)
        return source_state_record(rows[0], self._dt, count)

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO sources (name, configured_feed, feed_url, last_poll, last_success, "
                "last_error, failures, next_poll, disabled, interval) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET feed_url = excluded.feed_url, "
                "configured_feed = excluded.configured_feed, "
                "last_poll = excluded.last_poll, last_success = excluded.last_success, "
                "last_error = excluded.last_error, failures = excluded.failures, "
                "next_poll = excluded.next_poll, disabled = excluded.disabled, "
                "interval = excluded.interval",
                (
                    state.name,
                    state.configured_feed,
                    state.feed_url,
                    self._ts(state.last_poll),
                    self._ts(state.last_success),
                    state.last_error,
                    state.failures,
                    self._ts(state.next_poll),
                    state.disabled,
                    state.interval,
                ),
            )

    def source_states(self) -> list[SourceState]:
        """Every source's state, in two statements whatever their number (the browse site and
        `status` read them all; one by one, a cluster's 10,000 sources took 20,000)."""
        counts = {
            r["source"]: int(r["n"])
            for r in self._query("SELECT source, COUNT(*) AS n FROM articles GROUP BY source")
        }
        rows = self._query("SELECT * FROM sources ORDER BY name")
        return [source_state_record(row, self._dt, counts.get(row["name"], 0)) for row in rows]

    def record_poll(self, source: str, at: datetime, poll: PollRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO polls (source, at, ok, status, entries, new, pages, failed_pages, "
                "page_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source, self._ts(at), *astuple(poll)),  # the columns in the record's order
            )

    def log_page_failure(self, source: str, at: datetime, failure: FailedPage) -> None:
        """Count a failed fetch of a page in its source's health (revisits too)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO failure_log (source, url, at, kind, reason) VALUES (?, ?, ?, ?, ?)",
                (source, failure.url, self._ts(at), failure.kind, failure.reason),
            )

    def health(self, source: str, polls: int = 100) -> Health:
        """The source's health over its latest polls and pages, and the pages that failed
        since the first of those polls."""
        poll_rows = self._query(
            "SELECT at, ok, status, entries, new, pages, failed_pages, page_error FROM polls "
            "WHERE source = ? ORDER BY id DESC LIMIT ?",
            (source, polls),
        )
        page_rows = self._query(
            "SELECT length(text) AS chars, published IS NOT NULL AS dated, "
            "authors != '[]' AS authored FROM articles WHERE source = ? "
            f"ORDER BY first_seen DESC, {self._insertion_order} DESC LIMIT ?",
            (source, 2 * WINDOW),
        )
        health = assess(
            [
                PollRecord(
                    bool(r["ok"]),
                    r["status"],
                    r["entries"],
                    r["new"],
                    r["pages"],
                    r["failed_pages"],
                    r["page_error"],
                )
                for r in poll_rows
            ],
            [PageRecord(r["chars"] or 0, bool(r["dated"]), bool(r["authored"])) for r in page_rows],
        )
        return self._failure_counts(health, source, poll_rows[-1]["at"]) if poll_rows else health

    def _failure_counts(self, health: Health, source: str, since: Any) -> Health:
        """`health` with the source's pages that failed since `since` (a stored time)."""
        counts = {
            row["kind"]: int(row["n"])
            for row in self._query(
                "SELECT kind, COUNT(*) AS n FROM failure_log WHERE source = ? AND at >= ? "
                "GROUP BY kind",
                (source, since),
            )
        }
        latest = self._query(
            "SELECT url, kind, reason FROM failure_log WHERE source = ? AND at >= ? "
            "AND kind = 'blocked' ORDER BY at DESC, id DESC LIMIT 1",
            (source, since),
        )
        last = FailedPage(latest[0]["url"], "blocked", latest[0]["reason"]) if latest else None
        return replace(
            health,
            failed_pages=sum(counts.values()),
            blocked_pages=counts.get("blocked", 0),
            last_blocked=last,
        )

    # -- articles --------------------------------------------------------------------------
    def find_article(
        self, url: str, guid: str | None = None, source: str | None = None
    ) -> str | None:
        """The id of the archived article this URL (or this source's GUID) names, if any."""
        rows = self._query(
            "SELECT article_id FROM article_urls WHERE url_key = ?", (normalize_url(url),)
        )
        if rows:
            return str(rows[0]["article_id"])
        if guid and source:
            rows = self._query(
                "SELECT article_id FROM article_guids WHERE source = ? AND guid = ?", (source, guid)
            )
            if rows:
                return str(rows[0]["article_id"])
        return None

    def path_owner(self, path: str) -> str | None:
        rows = self._query("SELECT id FROM articles WHERE path = ?", (path,))
        return str(rows[0]["id"]) if rows else None

    def _article(self, db: Connection, ident: str) -> StoredArticle:
        row = db.execute(ARTICLE_BY_ID, (ident,)).fetchone()
        if row is None:
            raise StorageError(f"{self.label}: no article {ident}")
        return stored_article(row, self._dt)

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
    ) -> StoredArticle:
        """Store a newly archived article (version 1) with its URL aliases, in one transaction;
        a failure recorded for any of its URLs is cleared (the page is archived now).

        `before_commit` (writing the article's files) runs inside the transaction: if it fails,
        nothing is recorded, so the index never names files that were not written. Saving an
        article the index holds already fails (two workers at once: the second one).
        """
        ident = article_id(url)
        now, ts = self._ts(fetched_at), self._ts
        guid = entry.guid if entry else None
        authors = json.dumps(list(article.authors))
        with self._write() as db:
            self._insert_article(
                db,
                (
                    ident,
                    url,
                    source,
                    guid,
                    article.title,
                    authors,
                    ts(article.published),
                    ts(article.updated),
                    article.language,
                    json.dumps(list(article.tags)),
                    article.text,
                    article.markdown,
                    article.canonical_url,
                    article.original_url,
                    article.original_source,
                    article.description,
                    article.image,
                    ident,
                    now,
                    now,
                    path,
                    article.error,
                    entry_marker,
                    ts(next_revisit),
                    article.original_url,
                    json.dumps(entry.to_json()) if entry else None,
                    payload_digest,
                    offset_of(article.published),
                    offset_of(article.updated),
                ),
            )
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset, published_offset, "
                "updated_offset) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ident,
                    now,
                    article.title,
                    authors,
                    ts(article.published),
                    ts(article.updated),
                    article.text,
                    article.markdown,
                    warc.file if warc else None,
                    warc.offset if warc else None,
                    offset_of(article.published),
                    offset_of(article.updated),
                ),
            )
            keys = sorted({normalize_url(a) for a in {url, *aliases}})
            db.executemany(  # in one order, so that concurrent writers never deadlock
                "INSERT INTO article_urls (url_key, article_id) VALUES (?, ?) "
                "ON CONFLICT (url_key) DO NOTHING",
                [(key, ident) for key in keys],
            )
            db.executemany("DELETE FROM page_failures WHERE url_key = ?", [(k,) for k in keys])
            if guid:
                db.execute(
                    "INSERT INTO article_guids (source, guid, article_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (source, guid) DO NOTHING",
                    (source, guid, ident),
                )
            stored = self._article(db, ident)
            if before_commit is not None:
                before_commit(stored)
        return stored

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
    ) -> StoredArticle:
        """Record a new version; a major one also becomes the article's latest state."""
        now, ts = self._ts(fetched_at), self._ts
        authors = json.dumps(list(article.authors))
        with self._write() as db:
            self._lock_article(db, article_id)
            number = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 AS n FROM versions WHERE article_id = ?",
                (article_id,),
            ).fetchone()["n"]
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset, minor, diff, word_diff, "
                "published_offset, updated_offset) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    number,
                    now,
                    article.title,
                    authors,
                    ts(article.published),
                    ts(article.updated),
                    article.text,
                    article.markdown,
                    warc.file if warc else None,
                    warc.offset if warc else None,
                    minor,
                    diff,
                    word_diff,
                    offset_of(article.published),
                    offset_of(article.updated),
                ),
            )
            if not minor:
                # Every field the edit changed: what the new page no longer says (no date, no
                # tags) is kept from before, as a page that lost it is likelier misread.
                db.execute(
                    "UPDATE articles SET title = ?, authors = ?, published = COALESCE(?, "
                    "published), updated = COALESCE(?, updated), "
                    "published_offset = COALESCE(?, published_offset), "
                    "updated_offset = COALESCE(?, updated_offset), text = ?, markdown = ?, "
                    "language = COALESCE(?, language), tags = COALESCE(?, tags), "
                    "canonical_url = COALESCE(?, canonical_url), "
                    "description = COALESCE(?, description), image = COALESCE(?, image), "
                    "versions = versions + 1, last_seen = ?, extraction_error = NULL "
                    "WHERE id = ?",
                    (
                        article.title,
                        authors,
                        ts(article.published),
                        ts(article.updated),
                        offset_of(article.published),
                        offset_of(article.updated),
                        article.text,
                        article.markdown,
                        article.language,
                        json.dumps(list(article.tags)) if article.tags else None,
                        article.canonical_url,
                        article.description,
                        article.image,
                        now,
                        article_id,
                    ),
                )
            else:
                db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (now, article_id))
            stored = self._article(db, article_id)
            if before_commit is not None:
                before_commit(stored)
        return stored

    def recent_versions(self, limit: int = 100) -> list[tuple[StoredArticle, StoredVersion]]:
        """The latest edits (major versions after the first), newest first, each with its
        article as it is now: one statement. A version whose article is gone takes its place in
        the limit and is left out (a LEFT JOIN)."""
        rows = self._query(
            f"SELECT {RECENT_COLUMNS} FROM versions v LEFT JOIN articles a ON a.id = v.article_id "
            "WHERE v.version > 1 AND NOT v.minor ORDER BY v.fetched_at DESC, v.article_id LIMIT ?",
            (limit,),
        )
        return [
            (stored_article(r, self._dt), stored_version(r, self._dt, prefix="v_"))
            for r in rows
            if r["id"] is not None
        ]

    def touch_article(
        self,
        article_id: str,
        *,
        seen_at: datetime | None,
        next_revisit: datetime | None,
        revisits: int | None = None,
        entry_marker: str | None = None,
    ) -> None:
        """Record a revisit that made no version (or schedule the next one)."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET last_seen = COALESCE(?, last_seen), next_revisit = ?, "
                "revisits = COALESCE(?, revisits), entry_marker = COALESCE(?, entry_marker) "
                "WHERE id = ?",
                (self._ts(seen_at), self._ts(next_revisit), revisits, entry_marker, article_id),
            )

    def revisit_state(self, article_id: str) -> tuple[int, str | None]:
        """How many revisits were made, and the feed-entry marker last seen."""
        rows = self._query(
            "SELECT revisits, entry_marker FROM articles WHERE id = ?", (article_id,)
        )
        return (rows[0]["revisits"], rows[0]["entry_marker"]) if rows else (0, None)

    def revisit_basis(self, article_id: str) -> tuple[FeedEntry | None, str | None]:
        """What a revisit compares against besides the text: the feed entry the article was
        found by (what the feed supplied, which the page may not state) and the SHA-256 of the
        page last compared."""
        rows = self._query(
            "SELECT feed_entry, payload_digest FROM articles WHERE id = ?", (article_id,)
        )
        if not rows:
            return None, None
        raw = rows[0]["feed_entry"]
        return (FeedEntry.from_json(json.loads(raw)) if raw else None), rows[0]["payload_digest"]

    def set_revisit_basis(
        self, article_id: str, digest: str | None, entry: FeedEntry | None = None
    ) -> None:
        """Remember the SHA-256 of the page a revisit compared (and stored, if it changed), and
        the feed entry when the feed changed it."""
        raw = json.dumps(entry.to_json()) if entry else None
        with self._write() as db:
            db.execute(
                "UPDATE articles SET payload_digest = ?, feed_entry = COALESCE(?, feed_entry) "
                "WHERE id = ?",
                (digest, raw, article_id),
            )

    def clear_page_failure(self, url: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM page_failures WHERE url_key = ?", (normalize_url(url),))

    # -- pages not archived yet ------------------------------------------------------------
    def _page_failure(self, row: Any) -> PageFailure:
        first, last, due = (self._dt(row[k]) for k in ("first_failed", "last_failed", "next_try"))
        assert first is not None and last is not None and due is not None
        return PageFailure(
            url=row["url"],
            source=row["source"],
            entry=FeedEntry.from_json(json.loads(row["entry"])),
            kind=row["kind"],
            error=row["error"],
            status=row["status"],
            attempts=int(row["attempts"]),
            first_failed=first,
            last_failed=last,
            next_try=due,
        )

    def page_failure(self, url: str) -> PageFailure | None:
        rows = self._query("SELECT * FROM page_failures WHERE url_key = ?", (normalize_url(url),))
        return self._page_failure(rows[0]) if rows else None

    def record_page_failure(self, failure: PageFailure) -> None:
        """Record (or update) a page that failed; it stays due until it is archived."""
        ts = self._ts
        with self._write() as db:
            db.execute(
                "INSERT INTO page_failures (url_key, url, source, entry, kind, error, status, "
                "attempts, first_failed, last_failed, next_try) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url_key) DO UPDATE SET "
                "source = excluded.source, entry = excluded.entry, kind = excluded.kind, "
                "error = excluded.error, status = excluded.status, attempts = excluded.attempts, "
                "last_failed = excluded.last_failed, next_try = excluded.next_try",
                (
                    normalize_url(failure.url),
                    failure.url,
                    failure.source,
                    json.dumps(failure.entry.to_json()),
                    failure.kind,
                    failure.error,
                    failure.status,
                    failure.attempts,
                    ts(failure.first_failed),
                    ts(failure.last_failed),
                    ts(failure.next_try),
                ),
            )

    def page_failures(
        self, source: str | None = None, *, due: datetime | None = None, limit: int = 1000
    ) -> list[PageFailure]:
        """Pages not archived yet (of one source; due by `due`), the soonest due first."""
        clauses, args = [], []
        if source is not None:
            clauses.append("source = ?")
            args.append(source)
        if due is not None:
            clauses.append("next_try <= ?")
            args.append(self._ts(due))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(
            f"SELECT * FROM page_failures {where} ORDER BY next_try, url_key LIMIT ?",
            (*args, limit),
        )
        return [self._page_failure(r) for r in rows]

    def due_revisits(
        self, now: datetime, *, source: str | None = None, limit: int = 100
    ) -> list[StoredArticle]:
        """Articles whose next revisit is due, the most overdue first."""
        where, args = "next_revisit IS NOT NULL AND next_revisit <= ?", [self._ts(now)]
        if source:
            where += " AND source = ?"
            args.append(source)
        rows = self._query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {where} ORDER BY next_revisit, id "
            "LIMIT ?",
            (*args, limit),
        )
        return [stored_article(r, self._dt) for r in rows]

    def get_article(self, key: str) -> StoredArticle | None:
        """An article by its id, or by any URL it is known under."""
        rows = self._query(ARTICLE_BY_ID, (key,))
        if not rows and "://" in key:
            found = self.find_article(key)
            rows = self._query(ARTICLE_BY_ID, (found,)) if found else []
        return stored_article(rows[0], self._dt) if rows else None

    def iter_articles(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[StoredArticle]:
        clauses, args = self._filters(source, since, until)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles {where} "
        sql += f"ORDER BY first_seen {order}, id {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        for row in self._query(sql, tuple(args)):
            yield stored_article(row, self._dt)

    def _filters(
        self, source: str | None, since: datetime | None, until: datetime | None, prefix: str = ""
    ) -> tuple[list[str], list[Any]]:
        """WHERE clauses (and their values) for a source and a window of publication dates (the
        day first seen when undated); `prefix` names the articles table in a join."""
        clauses: list[str] = []
        args: list[Any] = []
        if source:
            clauses.append(f"{prefix}source = ?")
            args.append(source)
        if since:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) >= ?")
            args.append(self._ts(since))
        if until:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) < ?")
            args.append(self._ts(until))
        return clauses, args

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Articles matching the query (FTS5's syntax: words, "phrases", OR, NOT, prefix*; see
        `scraper.store.search`), best first, each with a snippet of its body, `marks` around
        the words found."""
        clauses, args = self._filters(source, since, until, prefix="a.")
        return self._search(query, "".join(f" AND {c}" for c in clauses), args, limit, marks)

    def iter_versions(self, article_id: str) -> Iterator[StoredVersion]:
        rows = self._query(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE article_id = ? ORDER BY version",
            (article_id,),
        )
        for r in rows:
            yield stored_version(r, self._dt)

    def count_articles(self, source: str | None = None) -> int:
        if source:
            rows = self._query("SELECT COUNT(*) AS n FROM articles WHERE source = ?", (source,))
        else:
            rows = self._query("SELECT COUNT(*) AS n FROM articles")
        return int(rows[0]["n"])

    # -- stories ---------------------------------------------------------------------------
    def stories(self, limit: int = 100) -> list[StoryView]:
        """Stories of more than one article, the most recently joined first."""
        rows = self._query(
            "SELECT story_id, MAX(first_seen) AS latest FROM articles GROUP BY story_id "
            "HAVING COUNT(*) > 1 ORDER BY latest DESC, story_id LIMIT ?",
            (limit,),
        )
        views = [self.story(r["story_id"]) for r in rows]
        return [v for v in views if v is not None]

"""The embedded index: one SQLite file inside the archive (WAL, transactions, migrations)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.dedupe import DedupeDoc, Deduper, Placement, SQLiteIndex
from scraper.errors import StorageError
from scraper.health import WINDOW, Health, PageRecord, PollRecord, assess
from scraper.models import Article, FeedEntry, StoredArticle
from scraper.store.base import FetchRecord, HostHold, RobotsRecord, SourceState
from scraper.store.search import SearchHit, SearchSyntaxError
from scraper.store.stories import SQLiteStories, StoryView
from scraper.urls import article_id, normalize_url

__all__ = ["INDEX_NAME", "SQLiteStore", "SearchHit", "SearchSyntaxError"]

INDEX_NAME = "index.sqlite"


# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        source TEXT NOT NULL,
        guid TEXT,
        title TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        updated TEXT,
        language TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL DEFAULT '',
        markdown TEXT NOT NULL DEFAULT '',
        canonical_url TEXT,
        original_url TEXT,
        original_source TEXT,
        description TEXT,
        image TEXT,
        story_id TEXT NOT NULL,
        versions INTEGER NOT NULL DEFAULT 1,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        path TEXT NOT NULL UNIQUE,
        extraction_error TEXT,
        entry_marker TEXT,
        revisits INTEGER NOT NULL DEFAULT 0,
        next_revisit TEXT
    );
    CREATE INDEX articles_next_revisit ON articles (next_revisit);
    CREATE INDEX articles_source ON articles (source, first_seen);
    CREATE INDEX articles_first_seen ON articles (first_seen);
    CREATE TABLE article_urls (
        url_key TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id)
    );
    CREATE TABLE article_guids (
        source TEXT NOT NULL,
        guid TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles (id),
        PRIMARY KEY (source, guid)
    );
    CREATE TABLE versions (
        article_id TEXT NOT NULL REFERENCES articles (id),
        version INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        title TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        published TEXT,
        updated TEXT,
        text TEXT NOT NULL,
        markdown TEXT NOT NULL,
        warc_file TEXT,
        warc_offset INTEGER,
        minor INTEGER NOT NULL DEFAULT 0,
        diff TEXT,
        PRIMARY KEY (article_id, version)
    );
    CREATE TABLE fetch_log (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        source TEXT,
        kind TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        status INTEGER,
        error TEXT,
        size INTEGER NOT NULL DEFAULT 0,
        warc_file TEXT,
        warc_offset INTEGER,
        warc_length INTEGER
    );
    CREATE INDEX fetch_log_url ON fetch_log (url);
    CREATE TABLE validators (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE host_holds (
        host TEXT PRIMARY KEY,
        until TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE TABLE robots (
        host TEXT PRIMARY KEY,
        status INTEGER NOT NULL,
        text TEXT NOT NULL,
        expires TEXT NOT NULL
    );
    CREATE TABLE payloads (
        digest TEXT PRIMARY KEY,
        uri TEXT NOT NULL,
        date TEXT NOT NULL
    );
    CREATE TABLE boilerplate (
        source TEXT PRIMARY KEY,
        model TEXT NOT NULL
    );
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        configured_feed TEXT,
        feed_url TEXT,
        last_poll TEXT,
        last_success TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        disabled TEXT,
        interval REAL
    );
    """,
    # 2: full-text search over title, body and authors (external content, kept by triggers).
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, authors, content='articles', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text, authors)
        VALUES (new.rowid, new.title, new.text, new.authors);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text, authors)
        VALUES ('delete', old.rowid, old.title, old.text, old.authors);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text, authors ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text, authors)
        VALUES ('delete', old.rowid, old.title, old.text, old.authors);
        INSERT INTO articles_fts (rowid, title, text, authors)
        VALUES (new.rowid, new.title, new.text, new.authors);
    END;
    INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
    """,
    # 3: a row per poll, for source health.
    """
    CREATE TABLE polls (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL,
        status INTEGER,
        entries INTEGER NOT NULL DEFAULT 0,
        new INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX polls_source ON polls (source, id);
    """,
    # 4: the word diff of each version, computed once when it is stored (feeds, notices).
    """
    ALTER TABLE versions ADD COLUMN word_diff TEXT;
    CREATE INDEX versions_fetched ON versions (fetched_at);
    """,
    # 5: a readable view of stories, for people browsing the index (Datasette).
    """
    CREATE VIEW stories AS
    SELECT story_id,
           COUNT(*) AS members,
           MAX(original_url) AS original_url,
           MIN(COALESCE(published, first_seen)) AS first_published,
           GROUP_CONCAT(source, ', ') AS sources,
           GROUP_CONCAT(url, ' ') AS urls
    FROM articles GROUP BY story_id HAVING COUNT(*) > 1;
    """,
    # 6: republication dedupe. `credited_url` is what the page credits (extraction); the
    # export's `original_url` becomes the story's original as dedupe decides it.
    """
    ALTER TABLE articles ADD COLUMN credited_url TEXT;
    UPDATE articles SET credited_url = original_url;
    CREATE INDEX articles_story ON articles (story_id);
    CREATE TABLE dedupe_refs (
        url TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        PRIMARY KEY (url, doc_id)
    );
    CREATE INDEX dedupe_refs_doc ON dedupe_refs (doc_id);
    CREATE TABLE dedupe_links (
        story_id TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        directed INTEGER NOT NULL,
        shared INTEGER NOT NULL,
        contained REAL NOT NULL,
        covered REAL NOT NULL,
        via TEXT,
        PRIMARY KEY (story_id, source, target, kind)
    );
    CREATE TABLE dedupe_originals (
        story_id TEXT PRIMARY KEY,
        original_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        tie INTEGER NOT NULL,
        tied TEXT NOT NULL
    );
    """,
)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers hold semicolons inside BEGIN ... END)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SQLiteStore:
    """The `Store` interface over one SQLite file; safe to share between threads of one process."""

    def __init__(self, archive: Path) -> None:
        self.path = archive / INDEX_NAME
        self.label = str(self.path)
        try:
            archive.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._lock = threading.RLock()
            self._migrate()
        except sqlite3.Error as error:
            raise StorageError(f"{self.path}: cannot open the index: {error}") from None
        except OSError as error:
            raise StorageError(f"{archive}: cannot create the archive folder: {error}") from None

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; taken immediately so concurrent writers queue, not deadlock."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: {error}") from None

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as error:
                raise StorageError(f"{self.path}: {error}") from None

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        # The version is read inside the write transaction: two processes opening a new archive
        # at once must not both apply the same migration.
        with self._tx() as db:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            if current > len(MIGRATIONS):
                raise StorageError(
                    f"{self.path}: the index was written by a newer scraper (schema {current})"
                )
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def check_integrity(self) -> list[str]:
        """Problems in the index itself: a damaged file, aliases to no article, version counts
        that disagree with the version rows."""
        problems = []
        result = self._query("PRAGMA integrity_check")[0][0]
        if result != "ok":
            problems.append(f"index integrity check failed: {result}")
        dangling = self._query(
            "SELECT COUNT(*) FROM article_urls WHERE article_id NOT IN (SELECT id FROM articles)"
        )[0][0]
        if dangling:
            problems.append(f"{dangling} URL aliases point at no article")
        for row in self._query(
            "SELECT a.id FROM articles a WHERE a.versions != (SELECT COUNT(*) FROM versions v "
            "WHERE v.article_id = a.id AND v.minor = 0) ORDER BY a.id"
        ):
            problems.append(f"{row[0]}: version count disagrees with its version rows")
        return problems

    # -- fetch state ------------------------------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        rows = self._query("SELECT etag, last_modified FROM validators WHERE url = ?", (url,))
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._tx() as db:
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
        until = _dt(rows[0]["until"])
        assert until is not None
        return HostHold(host, until, rows[0]["reason"])

    def set_host_hold(self, hold: HostHold) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO host_holds (host, until, reason) VALUES (?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (hold.host, _ts(hold.until), hold.reason),
            )

    def get_robots(self, host: str) -> RobotsRecord | None:
        rows = self._query("SELECT status, text, expires FROM robots WHERE host = ?", (host,))
        if not rows:
            return None
        expires = _dt(rows[0]["expires"])
        assert expires is not None
        return RobotsRecord(host, rows[0]["status"], rows[0]["text"], expires)

    def set_robots(self, record: RobotsRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO robots (host, status, text, expires) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET status = excluded.status, "
                "text = excluded.text, expires = excluded.expires",
                (record.host, record.status, record.text, _ts(record.expires)),
            )

    def find_payload(self, digest: str) -> tuple[str, str] | None:
        rows = self._query("SELECT uri, date FROM payloads WHERE digest = ?", (digest,))
        return (rows[0]["uri"], rows[0]["date"]) if rows else None

    def remember_payload(self, digest: str, uri: str, date: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO payloads (digest, uri, date) VALUES (?, ?, ?)",
                (digest, uri, date),
            )

    def log_fetch(self, record: FetchRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO fetch_log (url, source, kind, fetched_at, status, error, size, "
                "warc_file, warc_offset, warc_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.url, record.source, record.kind, _ts(record.fetched_at), record.status,
                 record.error, record.size, record.warc_file, record.warc_offset,
                 record.warc_length),
            )  # fmt: skip

    def fetch_log(self, url: str | None = None, limit: int = 100) -> list[FetchRecord]:
        where, args = ("WHERE url = ?", (url,)) if url else ("", ())
        rows = self._query(
            f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        )
        return [
            FetchRecord(
                url=r["url"],
                source=r["source"],
                fetched_at=_dt(r["fetched_at"]) or datetime.min,
                status=r["status"],
                error=r["error"],
                size=r["size"],
                warc_file=r["warc_file"],
                warc_offset=r["warc_offset"],
                warc_length=r["warc_length"],
                kind=r["kind"],
            )  # fmt: skip
            for r in rows
        ]

    def get_boilerplate(self, source: str) -> str | None:
        rows = self._query("SELECT model FROM boilerplate WHERE source = ?", (source,))
        return str(rows[0]["model"]) if rows else None

    def set_boilerplate(self, source: str, model: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO boilerplate (source, model) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET model = excluded.model",
                (source, model),
            )

    # -- sources ----------------------------------------------------------------------------
    def source_state(self, name: str) -> SourceState:
        rows = self._query("SELECT * FROM sources WHERE name = ?", (name,))
        count = self.count_articles(name)
        if not rows:
            return SourceState(name=name, articles=count)
        r = rows[0]
        return SourceState(
            name=name, configured_feed=r["configured_feed"], feed_url=r["feed_url"], last_poll=_dt(r["last_poll"]),
            last_success=_dt(r["last_success"]), last_error=r["last_error"],
            failures=r["failures"], next_poll=_dt(r["next_poll"]), disabled=r["disabled"],
            interval=r["interval"], articles=count,
        )  # fmt: skip

    def save_source_state(self, state: SourceState) -> None:
        with self._tx() as db:
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
                (state.name, state.configured_feed, state.feed_url, _ts(state.last_poll), _ts(state.last_success),
                 state.last_error, state.failures, _ts(state.next_poll), state.disabled, state.interval),
            )  # fmt: skip

    def place_article(self, deduper: Deduper, doc: DedupeDoc) -> Placement:
        """Place an article into its story and record the outcome, in one transaction."""
        with self._tx() as db:
            placement = deduper.place(doc)
            SQLiteStories(db).apply(placement)
        return placement

    def dedupe_engine(self) -> Deduper:
        """The dedupe engine over this index (its fingerprints and stories live in this file)."""
        with self._lock:
            return Deduper(SQLiteIndex(self._db), SQLiteStories(self._db))

    def story(self, story_id: str) -> StoryView | None:
        """A story's members and its original, as `show` and `stories` present them."""
        with self._lock:
            return SQLiteStories(self._db).view(story_id)

    def stories(self, limit: int = 100) -> list[StoryView]:
        """Stories of more than one article, the most recently joined first."""
        rows = self._query(
            "SELECT story_id, MAX(first_seen) AS latest FROM articles GROUP BY story_id "
            "HAVING COUNT(*) > 1 ORDER BY latest DESC, story_id LIMIT ?",
            (limit,),
        )
        views = [self.story(r["story_id"]) for r in rows]
        return [v for v in views if v is not None]

    def delete_articles(self, ids: list[str]) -> None:
        """Remove articles and everything the index holds of them, in one transaction."""
        with self._tx() as db:
            for ident in ids:
                for table in ("versions", "article_urls", "article_guids"):
                    db.execute(f"DELETE FROM {table} WHERE article_id = ?", (ident,))
                db.execute("DELETE FROM articles WHERE id = ?", (ident,))

    def record_poll(self, source: str, at: datetime, poll: PollRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO polls (source, at, ok, status, entries, new) VALUES (?, ?, ?, ?, ?, ?)",
                (source, _ts(at), int(poll.ok), poll.status, poll.entries, poll.new),
            )

    def health(self, source: str, polls: int = 100) -> Health:
        """The source's health over its latest polls and pages."""
        poll_rows = self._query(
            "SELECT ok, status, entries, new FROM polls WHERE source = ? ORDER BY id DESC LIMIT ?",
            (source, polls),
        )
        page_rows = self._query(
            "SELECT length(text) AS chars, published IS NOT NULL AS dated, "
            "authors != '[]' AS authored FROM articles WHERE source = ? "
            "ORDER BY first_seen DESC, rowid DESC LIMIT ?",
            (source, 2 * WINDOW),
        )
        return assess(
            [PollRecord(bool(r["ok"]), r["status"], r["entries"], r["new"]) for r in poll_rows],
            [PageRecord(r["chars"] or 0, bool(r["dated"]), bool(r["authored"]))
             for r in page_rows],
        )  # fmt: skip

    def source_states(self) -> list[SourceState]:
        names = [r["name"] for r in self._query("SELECT name FROM sources ORDER BY name")]
        return [self.source_state(name) for name in names]

    # -- articles ---------------------------------------------------------------------------
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
        warc_file: str | None = None,
        warc_offset: int | None = None,
        entry_marker: str | None = None,
        next_revisit: datetime | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle:
        """Store a newly archived article (version 1) with its URL aliases, in one transaction.

        `before_commit` (writing the article's files) runs inside the transaction: if it fails,
        nothing is recorded, so the index never names files that were not written.
        """
        ident = article_id(url)
        now = _ts(fetched_at)
        guid = entry.guid if entry else None
        with self._tx() as db:
            db.execute(
                "INSERT INTO articles (id, url, source, guid, title, authors, published, updated, "
                "language, tags, text, markdown, canonical_url, original_url, original_source, "
                "description, image, story_id, versions, first_seen, last_seen, path, "
                "extraction_error, entry_marker, next_revisit, credited_url) VALUES (?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
                (ident, url, source, guid, article.title, json.dumps(list(article.authors)),
                 _ts(article.published), _ts(article.updated), article.language,
                 json.dumps(list(article.tags)), article.text, article.markdown,
                 article.canonical_url, article.original_url, article.original_source,
                 article.description, article.image, ident, now, now, path, article.error,
                 entry_marker, _ts(next_revisit), article.original_url),
            )  # fmt: skip
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset) "
                "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ident, now, article.title, json.dumps(list(article.authors)),
                 _ts(article.published), _ts(article.updated), article.text, article.markdown,
                 warc_file, warc_offset),
            )  # fmt: skip
            for alias in {url, *aliases}:
                db.execute(
                    "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
                    (normalize_url(alias), ident),
                )
            if guid:
                db.execute(
                    "INSERT OR IGNORE INTO article_guids (source, guid, article_id) "
                    "VALUES (?, ?, ?)",
                    (source, guid, ident),
                )
            row = db.execute("SELECT * FROM articles WHERE id = ?", (ident,)).fetchone()
            stored = self._row_to_article(row)
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
        warc_file: str | None = None,
        warc_offset: int | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle:
        """Record a new version; a major one also becomes the article's latest state."""
        now = _ts(fetched_at)
        with self._tx() as db:
            number = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE article_id = ?",
                (article_id,),
            ).fetchone()[0]
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset, minor, diff, word_diff) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article_id, number, now, article.title, json.dumps(list(article.authors)),
                 _ts(article.published), _ts(article.updated), article.text, article.markdown,
                 warc_file, warc_offset, int(minor), diff, word_diff),
            )  # fmt: skip
            if not minor:
                db.execute(
                    "UPDATE articles SET title = ?, authors = ?, published = COALESCE(?, "
                    "published), updated = COALESCE(?, updated), text = ?, markdown = ?, "
                    "versions = versions + 1, last_seen = ?, extraction_error = NULL "
                    "WHERE id = ?",
                    (article.title, json.dumps(list(article.authors)), _ts(article.published),
                     _ts(article.updated), article.text, article.markdown, now, article_id),
                )  # fmt: skip
            else:
                db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (now, article_id))
            row = db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
            stored = self._row_to_article(row)
            if before_commit is not None:
                before_commit(stored)
        return stored

    def recent_versions(self, limit: int = 100) -> list[tuple[StoredArticle, dict[str, object]]]:
        """The latest edits (major versions after the first), newest first."""
        rows = self._query(
            "SELECT article_id, version FROM versions WHERE version > 1 AND minor = 0 "
            "ORDER BY fetched_at DESC, article_id LIMIT ?",
            (limit,),
        )
        out = []
        for row in rows:
            article = self.get_article(row["article_id"])
            if article is None:
                continue
            for version in self.iter_versions(article.id):
                if version["version"] == row["version"]:
                    out.append((article, version))
        return out

    def touch_article(
        self, article_id: str, *, seen_at: datetime | None, next_revisit: datetime | None,
        revisits: int | None = None, entry_marker: str | None = None,
    ) -> None:  # fmt: skip
        """Record a revisit that made no version (or schedule the next one)."""
        with self._tx() as db:
            db.execute(
                "UPDATE articles SET last_seen = COALESCE(?, last_seen), next_revisit = ?, "
                "revisits = COALESCE(?, revisits), entry_marker = COALESCE(?, entry_marker) "
                "WHERE id = ?",
                (_ts(seen_at), _ts(next_revisit), revisits, entry_marker, article_id),
            )

    def revisit_state(self, article_id: str) -> tuple[int, str | None]:
        """How many revisits were made, and the feed-entry marker last seen."""
        rows = self._query(
            "SELECT revisits, entry_marker FROM articles WHERE id = ?", (article_id,)
        )
        return (rows[0]["revisits"], rows[0]["entry_marker"]) if rows else (0, None)

    def due_revisits(
        self, now: datetime, *, source: str | None = None, limit: int = 100
    ) -> list[StoredArticle]:
        """Articles whose next revisit is due, the most overdue first."""
        where, args = "next_revisit IS NOT NULL AND next_revisit <= ?", [_ts(now)]
        if source:
            where += " AND source = ?"
            args.append(source)
        rows = self._query(
            f"SELECT * FROM articles WHERE {where} ORDER BY next_revisit, id LIMIT ?",
            (*args, limit),
        )
        return [self._row_to_article(r) for r in rows]

    def _row_to_article(self, r: sqlite3.Row) -> StoredArticle:
        return StoredArticle(
            id=r["id"], url=r["url"], source=r["source"], title=r["title"],
            authors=tuple(json.loads(r["authors"])), published=_dt(r["published"]),
            updated=_dt(r["updated"]), language=r["language"], tags=tuple(json.loads(r["tags"])),
            text=r["text"], markdown=r["markdown"], canonical_url=r["canonical_url"],
            original_url=r["original_url"], story_id=r["story_id"], versions=r["versions"],
            first_seen=_dt(r["first_seen"]) or datetime.min,
            last_seen=_dt(r["last_seen"]) or datetime.min, path=r["path"],
            description=r["description"],
            extra={"original_source": r["original_source"], "image": r["image"],
                   "guid": r["guid"], "extraction_error": r["extraction_error"]},
        )  # fmt: skip

    def get_article(self, key: str) -> StoredArticle | None:
        """An article by its id, or by any URL it is known under."""
        rows = self._query("SELECT * FROM articles WHERE id = ?", (key,))
        if not rows and "://" in key:
            found = self.find_article(key)
            rows = self._query("SELECT * FROM articles WHERE id = ?", (found,)) if found else []
        return self._row_to_article(rows[0]) if rows else None

    def iter_articles(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[StoredArticle]:
        clauses: list[str] = []
        args: list[str | None] = []
        if source:
            clauses.append("source = ?")
            args.append(source)
        if since:
            clauses.append("COALESCE(published, first_seen) >= ?")
            args.append(_ts(since))
        if until:
            clauses.append("COALESCE(published, first_seen) < ?")
            args.append(_ts(until))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT * FROM articles {where} ORDER BY first_seen {order}, id {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for row in self._query(sql, tuple(args)):
            yield self._row_to_article(row)

    def iter_versions(self, article_id: str) -> Iterator[dict[str, object]]:
        rows = self._query(
            "SELECT * FROM versions WHERE article_id = ? ORDER BY version", (article_id,)
        )
        for r in rows:
            yield {
                "version": r["version"], "fetched_at": _dt(r["fetched_at"]), "title": r["title"],
                "authors": tuple(json.loads(r["authors"])), "published": _dt(r["published"]),
                "updated": _dt(r["updated"]), "text": r["text"], "markdown": r["markdown"],
                "warc_file": r["warc_file"], "warc_offset": r["warc_offset"],
                "minor": bool(r["minor"]), "diff": r["diff"], "word_diff": r["word_diff"],
            }  # fmt: skip

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
        """Articles matching an FTS5 query (words, "phrases", OR, NOT, prefix*), best first."""
        clauses, args = ["articles_fts MATCH ?"], [query]
        if source:
            clauses.append("a.source = ?")
            args.append(source)
        if since:
            clauses.append("COALESCE(a.published, a.first_seen) >= ?")
            args.append(_ts(since) or "")
        if until:
            clauses.append("COALESCE(a.published, a.first_seen) < ?")
            args.append(_ts(until) or "")
        sql = (
            "SELECT a.*, bm25(articles_fts, 10.0, 1.0, 5.0) AS rank, "
            "snippet(articles_fts, 1, ?, ?, '…', 16) AS snip "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            f"WHERE {' AND '.join(clauses)} ORDER BY rank LIMIT ?"
        )
        with self._lock:
            try:
                rows = self._db.execute(sql, (*marks, *args, limit)).fetchall()
            except sqlite3.OperationalError as error:
                raise SearchSyntaxError(f"cannot search for {query!r}: {error}") from None
        return [SearchHit(self._row_to_article(r), r["snip"] or "", float(r["rank"])) for r in rows]

    def count_articles(self, source: str | None = None) -> int:
        if source:
            rows = self._query("SELECT COUNT(*) FROM articles WHERE source = ?", (source,))
        else:
            rows = self._query("SELECT COUNT(*) FROM articles")
        return int(rows[0][0])

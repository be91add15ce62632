"""The embedded index: one SQLite file inside the archive (WAL, transactions, migrations)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.dedupe import DedupeDoc, Deduper, Placement, SQLiteIndex
from scraper.errors import StorageError
from scraper.store.connection import Connection
from scraper.store.search import SearchHit, SearchSyntaxError, to_fts5_text
from scraper.store.sql import stored_article, utc_second
from scraper.store.sql_articles import INSERT_ARTICLE
from scraper.store.sql_store import SQLStore
from scraper.store.stories import SQLStories, StoryView

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
    # 7: a faithful record. The feed entry an article was found by (what the feed supplied is
    # kept with the article, not re-decided at each revisit), the SHA-256 of the page last
    # compared (the same bytes again are no edit), and the pages that failed, due again.
    """
    ALTER TABLE articles ADD COLUMN feed_entry TEXT;
    ALTER TABLE articles ADD COLUMN payload_digest TEXT;
    CREATE TABLE page_failures (
        url_key TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        source TEXT NOT NULL,
        entry TEXT NOT NULL,
        kind TEXT NOT NULL,
        error TEXT NOT NULL,
        status INTEGER,
        attempts INTEGER NOT NULL,
        first_failed TEXT NOT NULL,
        last_failed TEXT NOT NULL,
        next_try TEXT NOT NULL
    );
    CREATE INDEX page_failures_due ON page_failures (source, next_try);
    """,
    # 8: what each poll's article pages did, so a source whose pages fail is not "ok".
    """
    ALTER TABLE polls ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE polls ADD COLUMN failed_pages INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE polls ADD COLUMN page_error TEXT;
    """,
    # 9: a row per failed fetch of a page (a block or stub page, or any other failure), for source
    # health: the pages of a poll, and revisits, which are no poll.
    """
    CREATE TABLE failure_log (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX failure_log_source ON failure_log (source, at);
    """,
    # 10: which pages of a site made each claim (credit, canonical): one its pages repeat is the
    # template's, not an article's, and is ignored (held to a few pages per claim).
    """
    CREATE TABLE dedupe_claims (
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        PRIMARY KEY (site, url, doc_id)
    );
    """,
    # 11: the zone each date was written in (minutes east of UTC): times are kept in UTC, and
    # read back in the page's own offset, so its day is the day the page wrote.
    """
    ALTER TABLE articles ADD COLUMN published_offset INTEGER;
    ALTER TABLE articles ADD COLUMN updated_offset INTEGER;
    ALTER TABLE versions ADD COLUMN published_offset INTEGER;
    ALTER TABLE versions ADD COLUMN updated_offset INTEGER;
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
    kept = utc_second(value)
    return None if kept is None else kept.isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _aware_dt(value: str | None) -> datetime | None:
    """A time as the stories read it: a string without a zone is in UTC."""
    parsed = _dt(value)
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)


class SQLiteStore(SQLStore):
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
        """Problems in the index itself: a damaged file, then what every index checks."""
        result = self._query("PRAGMA integrity_check")[0][0]
        problems = [] if result == "ok" else [f"index integrity check failed: {result}"]
        return problems + super().check_integrity()

    # -- what the shared methods ask of an index (see `SQLStore`) ---------------------------
    _insertion_order = "rowid"
    _ts = staticmethod(_ts)
    _dt = staticmethod(_dt)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._tx()  # the connection runs the shared `?` statements as they are

    def _insert_article(self, db: Connection, args: tuple[Any, ...]) -> None:
        db.execute(INSERT_ARTICLE, args)  # a second one breaks the primary key: StorageError

    def _lock_article(self, db: Connection, article_id: str) -> None:
        """Nothing to do: `BEGIN IMMEDIATE` has every other writer wait already."""

    # -- articles ---------------------------------------------------------------------------
    def delete_articles(self, ids: list[str]) -> None:
        """Remove articles and everything the index holds of them, in one transaction."""
        with self._tx() as db:
            for ident in ids:
                for table in ("versions", "article_urls", "article_guids"):
                    db.execute(f"DELETE FROM {table} WHERE article_id = ?", (ident,))
                db.execute("DELETE FROM articles WHERE id = ?", (ident,))

    def _search(
        self, query: str, where: str, args: list[Any], limit: int, marks: tuple[str, str]
    ) -> list[SearchHit]:
        """FTS5: ranked by bm25 (title 10, body 1, authors 5), the snippet from the body."""
        sql = (
            "SELECT a.*, bm25(articles_fts, 10.0, 1.0, 5.0) AS rank, "
            "snippet(articles_fts, 1, ?, ?, '…', 16) AS snip "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            f"WHERE articles_fts MATCH ?{where} ORDER BY rank LIMIT ?"
        )
        match = to_fts5_text(query)
        with self._lock:
            try:
                rows = self._db.execute(sql, (*marks, match, *args, limit)).fetchall()
            except sqlite3.OperationalError as error:
                raise SearchSyntaxError(f"cannot search for {query!r}: {error}") from None
        return [
            SearchHit(stored_article(r, self._dt), r["snip"] or "", float(r["rank"])) for r in rows
        ]

    # -- stories ----------------------------------------------------------------------------
    def _stories(self) -> SQLStories:
        return SQLStories(self._db, _aware_dt)

    def place_article(self, deduper: Deduper, doc: DedupeDoc) -> Placement:
        """Place an article into its story and record the outcome, in one transaction."""
        with self._tx():
            placement = deduper.place(doc)
            self._stories().apply(placement)
        return placement

    def dedupe_engine(self) -> Deduper:
        """The dedupe engine over this index (its fingerprints and stories live in this file)."""
        with self._lock:
            return Deduper(SQLiteIndex(self._db), self._stories())

    def story(self, story_id: str) -> StoryView | None:
        """A story's members and its original, as `show` and `stories` present them."""
        with self._lock:
            return self._stories().view(story_id)

"""The server-backed index: the `Store` interface over PostgreSQL, for several machines at once.

Every method is one transaction (or one statement), like `SQLiteStore`'s; connections come from
a pool, so threads of one process and any number of processes share the database safely:
- article identity: an article's row is inserted with `ON CONFLICT DO NOTHING`, so two workers
  archiving one URL at once end with one article (the second is told it lost the race);
- versions: the article's row is locked (`FOR UPDATE`) while its next version number is taken;
- story placement: one placement at a time across every worker, under a transaction-level
  advisory lock (`PLACEMENT_LOCK`), as SQLite's single writer gives it for free;
- schema: created and migrated on open, under an advisory lock (see `pg_schema`).

Inside a transaction, the calls a callback makes on this store (`before_commit` reading the
versions it is about to write, the dedupe engine reading stories) run on that transaction's
connection: it is kept per thread, as SQLite's one connection is.

Times are `timestamptz`, read back in UTC and, like SQLite's ISO strings, to the second.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import PoolTimeout

from scraper.dedupe import DedupeDoc, Deduper, Placement
from scraper.dedupe.pg_index import PostgresIndex
from scraper.errors import NoArchiveError, StorageError
from scraper.health import WINDOW, Health, PageRecord, PollRecord, assess
from scraper.models import Article, FeedEntry, StoredArticle
from scraper.store.base import FetchRecord, HostHold, RobotsRecord, SourceState
from scraper.store.pg_connection import LivePool, connection_lost
from scraper.store.pg_schema import (
    MIGRATION_LOCK,
    MIGRATIONS,
    PLACEMENT_LOCK,
    SEARCH_CONFIG,
    VERSION_TABLE,
)
from scraper.store.pg_stories import PostgresStories
from scraper.store.search import SearchHit, SearchSyntaxError, to_tsquery_text
from scraper.store.stories import StoryView
from scraper.urls import article_id, normalize_url

ARTICLE_COLUMNS = (
    "id, seq, url, source, guid, title, authors, published, updated, language, tags, text, "
    "markdown, canonical_url, original_url, original_source, description, image, story_id, "
    "versions, first_seen, last_seen, path, extraction_error, entry_marker, revisits, "
    "next_revisit, credited_url"
)
RANK_WEIGHTS = [0.1, 0.2, 0.5, 1.0]  # D (body), C, B (authors), A (title): FTS5's 1, 5, 10


def safe_url(url: str) -> str:
    """The URL as it may be shown: any password replaced."""
    return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)


def connect_kwargs(url: str, schema: str | None) -> dict[str, Any]:
    """Connection settings: UTC times, autocommit, the schema first on the search path."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as error:
        raise StorageError(f"{safe_url(url)}: not a PostgreSQL URL: {error}") from None
    options = [str(params.get("options") or ""), "-c TimeZone=UTC"]
    if schema:
        options.append(f"-c search_path={schema}")
    params["options"] = " ".join(o for o in options if o)
    params.setdefault("connect_timeout", 10)
    params.setdefault("application_name", "scraper")
    return params


def _ts(value: datetime | None) -> datetime | None:
    """A time as the index keeps it: aware, in UTC, to the second (as SQLite's strings)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _has_schema(conn: psycopg.Connection[Any]) -> bool:
    return conn.execute("SELECT to_regclass('scraper_schema')").fetchone()[0] is not None  # type: ignore[index]


def postgres_index_exists(url: str, schema: str | None) -> bool:
    """Whether the database (schema) holds an index; an unreachable server is an error."""
    try:
        with psycopg.connect(**connect_kwargs(url, schema), autocommit=True) as conn:
            return _has_schema(conn)
    except psycopg.Error as error:
        raise StorageError(
            f"{safe_url(url)}: cannot open the index: {_first_line(error)}"
        ) from None


class PostgresStore:
    """The `Store` interface over a PostgreSQL database; shared by threads and processes."""

    def __init__(self, url: str, *, schema: str | None = None, create: bool = True) -> None:
        self.url = url
        self.schema = schema
        self.label = safe_url(url) + (f" (schema {schema})" if schema else "")
        self._kwargs = connect_kwargs(url, schema)
        self._local = threading.local()
        try:
            with psycopg.connect(**self._kwargs, autocommit=True) as conn:
                if create:
                    self._migrate(conn)
                elif not _has_schema(conn):
                    raise NoArchiveError(
                        f"{self.label}: no archive yet (run `scraper fetch` first)"
                    )
        except psycopg.Error as error:
            raise StorageError(
                f"{self.label}: cannot open the index: {_first_line(error)}"
            ) from None
        # Connections are checked as they are lent: after the server restarted, the dead ones
        # are replaced then, instead of each failing the operation that borrowed it.
        self._pool = LivePool(
            kwargs=self._kwargs | {"autocommit": True}, min_size=1, max_size=8,
            name="scraper-index", open=True,
        )  # fmt: skip

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """This thread's transaction's connection if one is open, else one from the pool."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction; calls nested inside it (same thread) join it."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        try:
            with self._pool.connection() as conn:
                self._local.conn = conn
                try:
                    with conn.transaction():
                        yield conn
                finally:
                    self._local.conn = None
        except psycopg.Error as error:
            raise StorageError(f"{self.label}: {_first_line(error)}") from None

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """A read; one cut by a lost connection is read once more, on a live one (not inside a
        transaction, which was lost with it, nor after the pool found none in time)."""
        retry = getattr(self._local, "conn", None) is None
        while True:
            try:
                with self.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
                    return cursor.execute(sql, args).fetchall()
            except psycopg.Error as error:
                if retry and connection_lost(error) and not isinstance(error, PoolTimeout):
                    retry = False
                    continue
                raise StorageError(f"{self.label}: {_first_line(error)}") from None

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        # Under an advisory lock: workers opening a new database at once apply each migration
        # once; DDL is transactional, so a failed migration leaves the previous version.
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            # Nothing is created that exists: a worker's role may lack the right to create.
            found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,))
            if self.schema and found.fetchone() is None:
                conn.execute(f'CREATE SCHEMA "{self.schema}"')
            if not _has_schema(conn):
                conn.execute(VERSION_TABLE)
            row = conn.execute("SELECT version FROM scraper_schema").fetchone()
            current = int(row[0]) if row else 0
            if current == len(MIGRATIONS):
                return
            if current > len(MIGRATIONS):
                raise StorageError(
                    f"{self.label}: the index was written by a newer scraper (schema {current})"
                )
            for script in MIGRATIONS[current:]:
                conn.execute(script)
            if row is None:
                conn.execute("INSERT INTO scraper_schema (version) VALUES (%s)", (len(MIGRATIONS),))
            else:
                conn.execute("UPDATE scraper_schema SET version = %s", (len(MIGRATIONS),))

    @property
    def schema_version(self) -> int:
        return int(self._query("SELECT version FROM scraper_schema")[0]["version"])

    def close(self) -> None:
        self._pool.close()

    def check_integrity(self) -> list[str]:
        """Problems in the index itself: aliases to no article, version counts that disagree."""
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

    # -- fetch state ------------------------------------------------------------------------
    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        rows = self._query("SELECT etag, last_modified FROM validators WHERE url = %s", (url,))
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO validators (url, etag, last_modified) VALUES (%s, %s, %s) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                (url, etag, last_modified),
            )

    def get_host_hold(self, host: str) -> HostHold | None:
        rows = self._query("SELECT until, reason FROM host_holds WHERE host = %s", (host,))
        return HostHold(host, rows[0]["until"], rows[0]["reason"]) if rows else None

    def set_host_hold(self, hold: HostHold) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO host_holds (host, until, reason) VALUES (%s, %s, %s) "
                "ON CONFLICT (host) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (hold.host, _ts(hold.until), hold.reason),
            )

    def get_robots(self, host: str) -> RobotsRecord | None:
        rows = self._query("SELECT status, text, expires FROM robots WHERE host = %s", (host,))
        if not rows:
            return None
        return RobotsRecord(host, rows[0]["status"], rows[0]["text"], rows[0]["expires"])

    def set_robots(self, record: RobotsRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO robots (host, status, text, expires) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (host) DO UPDATE SET status = excluded.status, "
                "text = excluded.text, expires = excluded.expires",
                (record.host, record.status, record.text, _ts(record.expires)),
            )

    def find_payload(self, digest: str) -> tuple[str, str] | None:
        rows = self._query("SELECT uri, date FROM payloads WHERE digest = %s", (digest,))
        return (rows[0]["uri"], rows[0]["date"]) if rows else None

    def remember_payload(self, digest: str, uri: str, date: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO payloads (digest, uri, date) VALUES (%s, %s, %s) "
                "ON CONFLICT (digest) DO NOTHING",
                (digest, uri, date),
            )

    def log_fetch(self, record: FetchRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO fetch_log (url, source, kind, fetched_at, status, error, size, "
                "warc_file, warc_offset, warc_length) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (record.url, record.source, record.kind, _ts(record.fetched_at), record.status,
                 record.error, record.size, record.warc_file, record.warc_offset,
                 record.warc_length),
            )  # fmt: skip

    def fetch_log(self, url: str | None = None, limit: int = 100) -> list[FetchRecord]:
        where, args = ("WHERE url = %s", (url,)) if url else ("", ())
        rows = self._query(
            f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT %s", (*args, limit)
        )
        return [
            FetchRecord(
                url=r["url"],
                source=r["source"],
                fetched_at=r["fetched_at"],
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
        rows = self._query("SELECT model FROM boilerplate WHERE source = %s", (source,))
        return str(rows[0]["model"]) if rows else None

    def set_boilerplate(self, source: str, model: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO boilerplate (source, model) VALUES (%s, %s) "
                "ON CONFLICT (source) DO UPDATE SET model = excluded.model",
                (source, model),
            )

    # -- sources ----------------------------------------------------------------------------
    def source_state(self, name: str) -> SourceState:
        rows = self._query("SELECT * FROM sources WHERE name = %s", (name,))
        count = self.count_articles(name)
        if not rows:
            return SourceState(name=name, articles=count)
        r = rows[0]
        return SourceState(
            name=name, configured_feed=r["configured_feed"], feed_url=r["feed_url"],
            last_poll=r["last_poll"], last_success=r["last_success"], last_error=r["last_error"],
            failures=r["failures"], next_poll=r["next_poll"], disabled=r["disabled"],
            interval=r["interval"], articles=count,
        )  # fmt: skip

    def save_source_state(self, state: SourceState) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO sources (name, configured_feed, feed_url, last_poll, last_success, "
                "last_error, failures, next_poll, disabled, interval) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET feed_url = excluded.feed_url, "
                "configured_feed = excluded.configured_feed, "
                "last_poll = excluded.last_poll, last_success = excluded.last_success, "
                "last_error = excluded.last_error, failures = excluded.failures, "
                "next_poll = excluded.next_poll, disabled = excluded.disabled, "
                "interval = excluded.interval",
                (state.name, state.configured_feed, state.feed_url, _ts(state.last_poll),
                 _ts(state.last_success), state.last_error, state.failures, _ts(state.next_poll),
                 state.disabled, state.interval),
            )  # fmt: skip

    def source_states(self) -> list[SourceState]:
        names = [r["name"] for r in self._query("SELECT name FROM sources ORDER BY name")]
        return [self.source_state(name) for name in names]

    def record_poll(self, source: str, at: datetime, poll: PollRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO polls (source, at, ok, status, entries, new) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (source, _ts(at), poll.ok, poll.status, poll.entries, poll.new),
            )

    def health(self, source: str, polls: int = 100) -> Health:
        """The source's health over its latest polls and pages."""
        poll_rows = self._query(
            "SELECT ok, status, entries, new FROM polls WHERE source = %s "
            "ORDER BY id DESC LIMIT %s",
            (source, polls),
        )
        page_rows = self._query(
            "SELECT length(text) AS chars, published IS NOT NULL AS dated, "
            "authors != '[]' AS authored FROM articles WHERE source = %s "
            "ORDER BY first_seen DESC, seq DESC LIMIT %s",
            (source, 2 * WINDOW),
        )
        return assess(
            [PollRecord(bool(r["ok"]), r["status"], r["entries"], r["new"]) for r in poll_rows],
            [PageRecord(r["chars"] or 0, bool(r["dated"]), bool(r["authored"]))
             for r in page_rows],
        )  # fmt: skip

    # -- articles ---------------------------------------------------------------------------
    def find_article(
        self, url: str, guid: str | None = None, source: str | None = None
    ) -> str | None:
        """The id of the archived article this URL (or this source's GUID) names, if any."""
        rows = self._query(
            "SELECT article_id FROM article_urls WHERE url_key = %s", (normalize_url(url),)
        )
        if rows:
            return str(rows[0]["article_id"])
        if guid and source:
            rows = self._query(
                "SELECT article_id FROM article_guids WHERE source = %s AND guid = %s",
                (source, guid),
            )
            if rows:
                return str(rows[0]["article_id"])
        return None

    def path_owner(self, path: str) -> str | None:
        rows = self._query("SELECT id FROM articles WHERE path = %s", (path,))
        return str(rows[0]["id"]) if rows else None

    def _article(self, db: psycopg.Connection[Any], ident: str) -> StoredArticle:
        with db.cursor(row_factory=dict_row) as cursor:
            row = cursor.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = %s", (ident,)
            ).fetchone()
        if row is None:
            raise StorageError(f"{self.label}: no article {ident}")
        return self._row_to_article(row)

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
        nothing is recorded. Two workers saving one article at once: the second one fails.
        """
        ident = article_id(url)
        now = _ts(fetched_at)
        guid = entry.guid if entry else None
        authors = json.dumps(list(article.authors))
        with self._tx() as db:
            inserted = db.execute(
                "INSERT INTO articles (id, url, source, guid, title, authors, published, updated, "
                "language, tags, text, markdown, canonical_url, original_url, original_source, "
                "description, image, story_id, versions, first_seen, last_seen, path, "
                "extraction_error, entry_marker, next_revisit, credited_url) VALUES (%s, %s, %s, "
                "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s, %s, "
                "%s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
                (ident, url, source, guid, article.title, authors, _ts(article.published),
                 _ts(article.updated), article.language, json.dumps(list(article.tags)),
                 article.text, article.markdown, article.canonical_url, article.original_url,
                 article.original_source, article.description, article.image, ident, now, now,
                 path, article.error, entry_marker, _ts(next_revisit), article.original_url),
            ).fetchone()  # fmt: skip
            if inserted is None:
                raise StorageError(f"{url}: already archived (as {ident}), by another worker")
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset) "
                "VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (ident, now, article.title, authors, _ts(article.published),
                 _ts(article.updated), article.text, article.markdown, warc_file, warc_offset),
            )  # fmt: skip
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO article_urls (url_key, article_id) VALUES (%s, %s) "
                    "ON CONFLICT (url_key) DO NOTHING",
                    [(key, ident) for key in sorted({normalize_url(a) for a in {url, *aliases}})],
                )
            if guid:
                db.execute(
                    "INSERT INTO article_guids (source, guid, article_id) VALUES (%s, %s, %s) "
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
        warc_file: str | None = None,
        warc_offset: int | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle:
        """Record a new version; a major one also becomes the article's latest state."""
        now = _ts(fetched_at)
        authors = json.dumps(list(article.authors))
        with self._tx() as db:
            # The article's row lock: two workers revisiting it at once number versions in turn.
            db.execute("SELECT 1 FROM articles WHERE id = %s FOR UPDATE", (article_id,))
            number = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM versions WHERE article_id = %s",
                (article_id,),
            ).fetchone()[0]  # type: ignore[index]
            db.execute(
                "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
                " updated, text, markdown, warc_file, warc_offset, minor, diff, word_diff) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (article_id, number, now, article.title, authors, _ts(article.published),
                 _ts(article.updated), article.text, article.markdown, warc_file, warc_offset,
                 minor, diff, word_diff),
            )  # fmt: skip
            if not minor:
                db.execute(
                    "UPDATE articles SET title = %s, authors = %s, published = COALESCE(%s, "
                    "published), updated = COALESCE(%s, updated), text = %s, markdown = %s, "
                    "versions = versions + 1, last_seen = %s, extraction_error = NULL "
                    "WHERE id = %s",
                    (article.title, authors, _ts(article.published), _ts(article.updated),
                     article.text, article.markdown, now, article_id),
                )  # fmt: skip
            else:
                db.execute("UPDATE articles SET last_seen = %s WHERE id = %s", (now, article_id))
            stored = self._article(db, article_id)
            if before_commit is not None:
                before_commit(stored)
        return stored

    def recent_versions(self, limit: int = 100) -> list[tuple[StoredArticle, dict[str, object]]]:
        """The latest edits (major versions after the first), newest first."""
        rows = self._query(
            "SELECT article_id, version FROM versions WHERE version > 1 AND NOT minor "
            "ORDER BY fetched_at DESC, article_id LIMIT %s",
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
                "UPDATE articles SET last_seen = COALESCE(%s, last_seen), next_revisit = %s, "
                "revisits = COALESCE(%s, revisits), entry_marker = COALESCE(%s, entry_marker) "
                "WHERE id = %s",
                (_ts(seen_at), _ts(next_revisit), revisits, entry_marker, article_id),
            )

    def revisit_state(self, article_id: str) -> tuple[int, str | None]:
        """How many revisits were made, and the feed-entry marker last seen."""
        rows = self._query(
            "SELECT revisits, entry_marker FROM articles WHERE id = %s", (article_id,)
        )
        return (rows[0]["revisits"], rows[0]["entry_marker"]) if rows else (0, None)

    def due_revisits(
        self, now: datetime, *, source: str | None = None, limit: int = 100
    ) -> list[StoredArticle]:
        """Articles whose next revisit is due, the most overdue first."""
        where, args = "next_revisit IS NOT NULL AND next_revisit <= %s", [_ts(now)]
        if source:
            where += " AND source = %s"
            args.append(source)  # type: ignore[arg-type]
        rows = self._query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {where} "
            "ORDER BY next_revisit, id LIMIT %s",
            (*args, limit),
        )
        return [self._row_to_article(r) for r in rows]

    @staticmethod
    def _row_to_article(r: dict[str, Any]) -> StoredArticle:
        return StoredArticle(
            id=r["id"], url=r["url"], source=r["source"], title=r["title"],
            authors=tuple(json.loads(r["authors"])), published=r["published"],
            updated=r["updated"], language=r["language"], tags=tuple(json.loads(r["tags"])),
            text=r["text"], markdown=r["markdown"], canonical_url=r["canonical_url"],
            original_url=r["original_url"], story_id=r["story_id"], versions=r["versions"],
            first_seen=r["first_seen"] or datetime.min, last_seen=r["last_seen"] or datetime.min,
            path=r["path"], description=r["description"],
            extra={"original_source": r["original_source"], "image": r["image"],
                   "guid": r["guid"], "extraction_error": r["extraction_error"]},
        )  # fmt: skip

    def get_article(self, key: str) -> StoredArticle | None:
        """An article by its id, or by any URL it is known under."""
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = %s"
        rows = self._query(sql, (key,))
        if not rows and "://" in key:
            found = self.find_article(key)
            rows = self._query(sql, (found,)) if found else []
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
        clauses, args = self._filters(source, since, until)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles {where} ORDER BY first_seen {order}, id {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for row in self._query(sql, tuple(args)):
            yield self._row_to_article(row)

    @staticmethod
    def _filters(
        source: str | None, since: datetime | None, until: datetime | None, prefix: str = ""
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if source:
            clauses.append(f"{prefix}source = %s")
            args.append(source)
        if since:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) >= %s")
            args.append(_ts(since))
        if until:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) < %s")
            args.append(_ts(until))
        return clauses, args

    def iter_versions(self, article_id: str) -> Iterator[dict[str, object]]:
        rows = self._query(
            "SELECT * FROM versions WHERE article_id = %s ORDER BY version", (article_id,)
        )
        for r in rows:
            yield {
                "version": r["version"], "fetched_at": r["fetched_at"], "title": r["title"],
                "authors": tuple(json.loads(r["authors"])), "published": r["published"],
                "updated": r["updated"], "text": r["text"], "markdown": r["markdown"],
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
        """Articles matching the query (FTS5's syntax, see `search`), best first, with snippets.

        Ranked by `ts_rank` with title matches weighing most (the rank is its negation, so
        that lower is better, as bm25's); the snippet is `ts_headline` over the body.
        """
        tsquery = to_tsquery_text(query)
        clauses, args = self._filters(source, since, until, prefix="a.")
        where = "".join(f" AND {c}" for c in clauses)
        options = (
            f'StartSel="{marks[0]}", StopSel="{marks[1]}", MaxWords=16, MinWords=6, '
            'ShortWord=0, MaxFragments=1, FragmentDelimiter="…"'
        )
        sql = (
            f"WITH q AS (SELECT to_tsquery('{SEARCH_CONFIG}', %s) AS query), "
            f"hits AS (SELECT {', '.join('a.' + c for c in ARTICLE_COLUMNS.split(', '))}, "
            "-ts_rank(%s::real[], a.search, q.query) AS rank FROM articles a, q "
            f"WHERE a.search @@ q.query{where} ORDER BY rank, a.id LIMIT %s) "
            f"SELECT hits.*, ts_headline('{SEARCH_CONFIG}', hits.text, q.query, %s) AS snip "
            "FROM hits, q ORDER BY hits.rank, hits.id"
        )
        try:
            with self.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
                rows = cursor.execute(
                    sql, (tsquery, RANK_WEIGHTS, *args, limit, options)
                ).fetchall()
        except psycopg.errors.SyntaxError as error:
            raise SearchSyntaxError(f"cannot search for {query!r}: {_first_line(error)}") from None
        except psycopg.Error as error:
            raise StorageError(f"{self.label}: {_first_line(error)}") from None
        return [SearchHit(self._row_to_article(r), r["snip"] or "", float(r["rank"])) for r in rows]

    def count_articles(self, source: str | None = None) -> int:
        if source:
            rows = self._query("SELECT COUNT(*) AS n FROM articles WHERE source = %s", (source,))
        else:
            rows = self._query("SELECT COUNT(*) AS n FROM articles")
        return int(rows[0]["n"])

    def delete_articles(self, ids: list[str]) -> None:
        """Remove articles and everything the index holds of them, in one transaction."""
        with self._tx() as db:
            for table in ("versions", "article_urls", "article_guids"):
                db.execute(f"DELETE FROM {table} WHERE article_id = ANY(%s)", (ids,))
            db.execute("DELETE FROM articles WHERE id = ANY(%s)", (ids,))

    # -- stories ----------------------------------------------------------------------------
    def place_article(self, deduper: Deduper, doc: DedupeDoc) -> Placement:
        """Place an article into its story and record the outcome, in one transaction.

        One placement at a time across every worker (an advisory lock): the engine reads the
        stories it merges and writes the result, and no other placement may slip in between.
        """
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (PLACEMENT_LOCK,))
            placement = deduper.place(doc)
            PostgresStories(self).apply(placement)
        return placement

    def dedupe_engine(self) -> Deduper:
        """The dedupe engine over this index (its fingerprints and stories live in tables)."""
        return Deduper(PostgresIndex(self), PostgresStories(self))

    def story(self, story_id: str) -> StoryView | None:
        """A story's members and its original, as `show` and `stories` present them."""
        try:
            return PostgresStories(self).view(story_id)
        except psycopg.Error as error:
            raise StorageError(f"{self.label}: {_first_line(error)}") from None

    def stories(self, limit: int = 100) -> list[StoryView]:
        """Stories of more than one article, the most recently joined first."""
        rows = self._query(
            "SELECT story_id, MAX(first_seen) AS latest FROM articles GROUP BY story_id "
            "HAVING COUNT(*) > 1 ORDER BY latest DESC, story_id LIMIT %s",
            (limit,),
        )
        views = [self.story(r["story_id"]) for r in rows]
        return [v for v in views if v is not None]

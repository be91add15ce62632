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

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import PoolTimeout

from scraper.dedupe import DedupeDoc, Deduper, Placement
from scraper.dedupe.pg_index import ConnectionSource, PostgresIndex
from scraper.errors import NoArchiveError, StorageError
from scraper.store.connection import Connection
from scraper.store.pg_connection import LivePool, connection_lost
from scraper.store.pg_schema import (
    MIGRATION_LOCK,
    MIGRATIONS,
    PLACEMENT_LOCK,
    SEARCH_CONFIG,
    VERSION_TABLE,
)
from scraper.store.search import SearchHit, SearchSyntaxError, to_tsquery_text
from scraper.store.sql import (
    ARTICLE_FIELDS,
    stored_article,
    to_psycopg,
    utc_second,
)
from scraper.store.sql_articles import INSERT_ARTICLE
from scraper.store.sql_store import SQLStore
from scraper.store.stories import SQLStories, StoryView

RANK_WEIGHTS = [0.1, 0.2, 0.5, 1.0]  # D (body), C, B (authors), A (title): FTS5's 1, 5, 10
INSERT_NEW_ARTICLE = INSERT_ARTICLE + " ON CONFLICT (id) DO NOTHING RETURNING id"


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


class Fetched:
    """The rows a statement returned, read as from a cursor."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def fetchone(self) -> dict[str, Any] | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[dict[str, Any]]:
        return self.rows


class PsycopgStatements:
    """The shared SQL's `Connection` over psycopg: `?` statements, rows by column name.

    Each statement runs on `source.connection()`: inside one of the store's transactions, that
    transaction's connection; outside, one from the pool for that statement alone.
    """

    def __init__(self, source: ConnectionSource) -> None:
        self.source = source

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Fetched:
        with self.source.connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(to_psycopg(sql), parameters)
            return Fetched(cursor.fetchall() if cursor.description else [])

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> None:
        with self.source.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(to_psycopg(sql), parameters)


class PostgresStore(SQLStore):
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
            kwargs=self._kwargs | {"autocommit": True},
            min_size=1,
            max_size=8,
            name="scraper-index",
            open=True,
        )

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
                    return cursor.execute(to_psycopg(sql), args).fetchall()
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

    # -- what the shared methods ask of an index (see `SQLStore`) ---------------------------
    _insertion_order = "seq"
    _ts = staticmethod(utc_second)  # timestamptz: the datetime itself

    @staticmethod
    def _dt(value: datetime | None) -> datetime | None:
        return value  # psycopg reads timestamptz as aware datetimes (in UTC: see connect_kwargs)

    @contextmanager
    def _write(self) -> Iterator[PsycopgStatements]:
        with self._tx():  # the statements join it: they run on `connection()`
            yield PsycopgStatements(self)

    def _insert_article(self, db: Connection, args: tuple[Any, ...]) -> None:
        """Two workers archiving one URL at once: the second is told it lost the race."""
        if db.execute(INSERT_NEW_ARTICLE, args).fetchone() is None:
            ident, url = args[0], args[1]
            raise StorageError(f"{url}: already archived (as {ident}), by another worker")

    def _lock_article(self, db: Connection, article_id: str) -> None:
        """The article's row lock: two workers revisiting it at once number versions in turn."""
        db.execute("SELECT 1 FROM articles WHERE id = ? FOR UPDATE", (article_id,))

    # -- articles ---------------------------------------------------------------------------
    def delete_articles(self, ids: list[str]) -> None:
        """Remove articles and everything the index holds of them, in one transaction."""
        with self._write() as db:
            for table in ("versions", "article_urls", "article_guids"):
                db.execute(f"DELETE FROM {table} WHERE article_id = ANY(?)", (ids,))
            db.execute("DELETE FROM articles WHERE id = ANY(?)", (ids,))

    def _search(
        self, query: str, where: str, args: list[Any], limit: int, marks: tuple[str, str]
    ) -> list[SearchHit]:
        """The `tsvector` column, ranked by `ts_rank` with title matches weighing most (the rank
        is its negation, so that lower is better, as bm25's); the snippet is `ts_headline` over
        the body."""
        tsquery = to_tsquery_text(query)
        options = (
            f'StartSel="{marks[0]}", StopSel="{marks[1]}", MaxWords=16, MinWords=6, '
            'ShortWord=0, MaxFragments=1, FragmentDelimiter="…"'
        )
        sql = (
            f"WITH q AS (SELECT to_tsquery('{SEARCH_CONFIG}', ?) AS query), "
            f"hits AS (SELECT {', '.join('a.' + c for c in ARTICLE_FIELDS)}, "
            "-ts_rank(?::real[], a.search, q.query) AS rank FROM articles a, q "
            f"WHERE a.search @@ q.query{where} ORDER BY rank, a.id LIMIT ?) "
            f"SELECT hits.*, ts_headline('{SEARCH_CONFIG}', hits.text, q.query, ?) AS snip "
            "FROM hits, q ORDER BY hits.rank, hits.id"
        )
        values = (tsquery, RANK_WEIGHTS, *args, limit, options)
        try:
            rows = PsycopgStatements(self).execute(sql, values).fetchall()
        except psycopg.errors.SyntaxError as error:
            raise SearchSyntaxError(f"cannot search for {query!r}: {_first_line(error)}") from None
        except psycopg.Error as error:
            raise StorageError(f"{self.label}: {_first_line(error)}") from None
        return [
            SearchHit(stored_article(r, self._dt), r["snip"] or "", float(r["rank"])) for r in rows
        ]

    # -- stories ----------------------------------------------------------------------------
    def _stories(self) -> SQLStories:
        return SQLStories(PsycopgStatements(self), self._dt)

    def place_article(self, deduper: Deduper, doc: DedupeDoc) -> Placement:
        """Place an article into its story and record the outcome, in one transaction.

        One placement at a time across every worker (an advisory lock): the engine reads the
        stories it merges and writes the result, and no other placement may slip in between.
        """
        with self._write() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (PLACEMENT_LOCK,))
            placement = deduper.place(doc)
            self._stories().apply(placement)
        return placement

    def dedupe_engine(self) -> Deduper:
        """The dedupe engine over this index (its fingerprints and stories live in tables)."""
        return Deduper(PostgresIndex(self), self._stories())

    def story(self, story_id: str) -> StoryView | None:
        """A story's members and its original, as `show` and `stories` present them."""
        try:
            return self._stories().view(story_id)
        except psycopg.Error as error:
            raise StorageError(f"{self.label}: {_first_line(error)}") from None

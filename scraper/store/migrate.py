"""`scraper migrate --to postgresql://...`: the SQLite index copied into PostgreSQL.

For a user who outgrows one machine: every table (articles, aliases, versions, fetch log,
validators, robots, holds, sources, polls, boilerplate models, stories and the dedupe index)
is copied in batches, each batch in one PostgreSQL transaction together with the position it
reached (`scraper_migration`). A run that is killed is continued by running it again: it
starts after the last batch committed, so nothing is copied twice and nothing is missed. At the
end the rows of every table are counted on both sides. The archive folder (article files, WARC)
stays where it is; only the index moves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import psycopg

from scraper.config.settings import Config
from scraper.errors import ConfigError, StorageError
from scraper.store.archive import ArchiveLock
from scraper.store.pg_schema import TABLES
from scraper.store.postgres import PostgresStore, connect_kwargs, safe_url
from scraper.store.sqlite import INDEX_NAME, SQLiteStore

BATCH = 2000  # rows per transaction
PROGRESS_TABLE = (
    "CREATE TABLE IF NOT EXISTS scraper_migration (name TEXT PRIMARY KEY, last_rowid BIGINT "
    "NOT NULL, copied BIGINT NOT NULL)"
)
# SQLite's implicit rowid is kept where PostgreSQL has a column for it (order of insertion).
ROWID_COLUMN = {
    "articles": "seq",
    "fetch_log": "id",
    "polls": "id",
    "failure_log": "id",
    "dedupe_docs": "num",
}
SEQUENCES = {"articles": "seq", "fetch_log": "id", "polls": "id", "failure_log": "id"}
DERIVED = {"dedupe_keys"}  # rebuilt from dedupe_docs.keys, in the same transactions

Progress = Callable[[str, int, int], None]  # table, rows copied so far, rows in all


@dataclass
class MigrationReport:
    counts: list[tuple[str, int, int]] = field(default_factory=list)  # table, SQLite, PostgreSQL
    copied: int = 0  # rows copied by this run

    @property
    def ok(self) -> bool:
        return all(source == target for _, source, target in self.counts)


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def _target_columns(conn: psycopg.Connection[Any], table: str) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND table_schema = current_schema() AND is_generated = 'NEVER'",
        (table,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def _batches(
    db: sqlite3.Connection, table: str, columns: list[str], after: int, size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows after rowid `after`, in rowid order, `size` at a time (rowid first in each row)."""
    select = ", ".join(["rowid", *columns])
    while True:
        rows = db.execute(
            f"SELECT {select} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?", (after, size)
        ).fetchall()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _dedupe_keys(rows: list[tuple[Any, ...]], keys: int) -> list[tuple[int, int]]:
    """The dedupe_keys rows of these dedupe_docs rows (rowid first, `keys` the blob's place):
    each text's distinct sample keys, as `SQLiteIndex` inserted them."""
    out: list[tuple[int, int]] = []
    for row in rows:
        out += [(k, row[0]) for k in np.unique(np.frombuffer(row[keys], np.int64)).tolist()]
    return out


def _copy_table(
    db: sqlite3.Connection,
    conn: psycopg.Connection[Any],
    table: str,
    batch: int,
    progress: Progress,
) -> int:
    """Copy the rows of `table` not copied yet; returns how many this call copied."""
    present = _target_columns(conn, table)
    columns = [c for c in _columns(db, table) if c in present]
    rowid_column = ROWID_COLUMN.get(table)
    if rowid_column in columns:
        columns.remove(rowid_column)  # an INTEGER PRIMARY KEY is the rowid itself
    target = ([rowid_column] if rowid_column else []) + columns
    row = conn.execute(
        "SELECT last_rowid, copied FROM scraper_migration WHERE name = %s", (table,)
    ).fetchone()
    last, copied = (int(row[0]), int(row[1])) if row else (0, 0)
    total = copied + int(
        db.execute(f"SELECT COUNT(*) FROM {table} WHERE rowid > ?", (last,)).fetchone()[0]
    )
    progress(table, copied, total)
    start = copied
    for rows in _batches(db, table, columns, last, batch):
        with conn.transaction(), conn.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(target)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for r in rows:
                    copy.write_row(r if rowid_column else r[1:])
            if table == "dedupe_docs":
                with cursor.copy("COPY dedupe_keys (key, num) FROM STDIN") as copy:
                    for pair in _dedupe_keys(rows, 1 + columns.index("keys")):
                        copy.write_row(pair)
            copied += len(rows)
            cursor.execute(
                "INSERT INTO scraper_migration (name, last_rowid, copied) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET last_rowid = excluded.last_rowid, "
                "copied = excluded.copied",
                (table, rows[-1][0], copied),
            )
        progress(table, copied, total)
    column = SEQUENCES.get(table)
    if column:  # new rows written in PostgreSQL continue after the copied ones
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"(SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
        )
    return copied - start


def _check_target(conn: psycopg.Connection[Any]) -> None:
    """A target holding an index that was not migrated here would be mixed with this one."""
    conn.execute(PROGRESS_TABLE)
    started = conn.execute("SELECT COUNT(*) FROM scraper_migration").fetchone()[0]  # type: ignore[index]
    if not started and conn.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0]:  # type: ignore[index]
        raise StorageError(
            "the target already holds articles that were not migrated from this "
            "archive; migrate into an empty database or schema"
        )


def migrate_index(
    config: Config,
    target: str,
    *,
    schema: str | None = None,
    batch: int = BATCH,
    progress: Progress = lambda table, done, total: None,
) -> MigrationReport:
    """Copy the archive's SQLite index into the PostgreSQL database `target` (resumable)."""
    root = config.archive.path
    if config.index.url:
        raise ConfigError(
            f"{config.file}: index.url: this archive's index is already in "
            f"PostgreSQL ({safe_url(config.index.url)})"
        )
    if not (root / INDEX_NAME).exists():
        raise StorageError(f"{root}: no archive yet (no {INDEX_NAME} to migrate)")
    pid = ArchiveLock(root).holder()
    if pid is not None:
        raise StorageError(
            f"{root}: `scraper run` (pid {pid}) is writing this archive; stop it before migrating"
        )
    SQLiteStore(root).close()  # brings an older index up to the current schema
    PostgresStore(target, schema=schema).close()  # creates the tables
    report = MigrationReport()
    db = sqlite3.connect(f"file:{root / INDEX_NAME}?mode=ro", uri=True)
    try:
        with psycopg.connect(**connect_kwargs(target, schema), autocommit=True) as conn:
            _check_target(conn)
            for table in TABLES:
                if table not in DERIVED:
                    report.copied += _copy_table(db, conn, table, batch, progress)
            for table in TABLES:
                source = int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                copied = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # type: ignore[index]
                report.counts.append((table, source, copied))
    except psycopg.Error as error:
        message = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise StorageError(f"{safe_url(target)}: {message}") from None
    except sqlite3.Error as error:
        raise StorageError(f"{root / INDEX_NAME}: {error}") from None
    finally:
        db.close()
    return report


def config_lines(target: str, schema: str | None) -> str:
    """What to add to the config so that every command uses the migrated index."""
    lines = ["[index]", f'url = "{target}"']
    if schema:
        lines.append(f'schema = "{schema}"')
    return "\n".join(lines)

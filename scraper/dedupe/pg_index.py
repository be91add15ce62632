"""`PostgresIndex`: the candidate index in tables of a PostgreSQL database.

The same tables as `SQLiteIndex` (created by the store's migrations):
- dedupe_docs(num BIGINT PRIMARY KEY, doc_id TEXT UNIQUE, keys BYTEA): one row per text;
- dedupe_keys(key BIGINT, num BIGINT, PRIMARY KEY (key, num)): one row per sample key of each
  text; the btree on (key, num) reads a key's newest texts as one short backward range.

A lookup is one statement (each query key's newest POSTING_CAP + 1 texts, through a LATERAL
join), plus one for the few keys with more. Numbers are given out as SQLite gives rowids (one
more than the largest), under an advisory lock, so both indexes number texts alike and the
engine's results are identical on both. Inserts are batched (`add_many`: COPY).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from scraper.dedupe.index import CANDIDATES, POSTING_CAP, rank_postings
from scraper.dedupe.sqlite_index import HOT
from scraper.dedupe.text import Fingerprint

DEDUPE_LOCK = 0x5C4A9E02  # the store's placement lock: one writer of stories and index at once


class ConnectionSource(Protocol):
    """Anything that lends a psycopg connection: a pool, or a store inside its transaction."""

    def connection(self) -> AbstractContextManager[Any]: ...


class PostgresIndex:
    """A `FingerprintIndex` in the `dedupe_` tables of a PostgreSQL database."""

    def __init__(self, db: ConnectionSource) -> None:
        self.db = db

    def __len__(self) -> int:
        with self.db.connection() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM dedupe_docs").fetchone()[0])

    def add(self, doc_id: str, fingerprint: Fingerprint) -> None:
        self.add_many([(doc_id, fingerprint)])

    def add_many(self, items: Iterable[tuple[str, Fingerprint]]) -> None:
        """Index many texts in one transaction: their keys go in with one COPY."""
        with self.db.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (DEDUPE_LOCK,))
            rows: list[tuple[int, int]] = []
            for doc_id, fingerprint in items:
                self._remove(conn, doc_id)
                keys = fingerprint.index_keys.view(np.int64)
                num = conn.execute(
                    "INSERT INTO dedupe_docs (num, doc_id, keys) SELECT "
                    "COALESCE(MAX(num), 0) + 1, %s, %s FROM dedupe_docs RETURNING num",
                    (doc_id, keys.tobytes()),
                ).fetchone()[0]
                rows += [(key, num) for key in np.unique(keys).tolist()]
            with (
                conn.cursor() as cursor,
                cursor.copy("COPY dedupe_keys (key, num) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)

    def remove(self, doc_id: str) -> None:
        with self.db.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (DEDUPE_LOCK,))
            self._remove(conn, doc_id)

    @staticmethod
    def _remove(conn: Any, doc_id: str) -> None:
        row = conn.execute(
            "DELETE FROM dedupe_docs WHERE doc_id = %s RETURNING num, keys", (doc_id,)
        ).fetchone()
        if row is None:
            return
        num, blob = row
        keys = np.frombuffer(bytes(blob), dtype=np.int64).tolist()
        conn.execute("DELETE FROM dedupe_keys WHERE key = ANY(%s) AND num = %s", (keys, num))

    def _postings(self, conn: Any, keys: list[int]) -> tuple[dict[int, tuple[list[int], int]], int]:
        """Each key's newest texts (POSTING_CAP + 1 at most) and its number of texts (counted
        up to HOT when it has more than POSTING_CAP), and the largest text number: one
        statement, one round trip."""
        rows = conn.execute(
            "SELECT k.key, d.nums, CASE WHEN cardinality(d.nums) > %(cap)s THEN ("
            "SELECT COUNT(*) FROM (SELECT 1 FROM dedupe_keys WHERE key = k.key LIMIT %(hot)s) "
            "AS s) END, (SELECT MAX(num) FROM dedupe_docs) "
            "FROM unnest(%(keys)s::bigint[]) AS k (key), LATERAL ("
            "SELECT array_agg(num ORDER BY num DESC) AS nums FROM (SELECT num FROM dedupe_keys "
            "WHERE key = k.key ORDER BY num DESC LIMIT %(cap)s + 1) AS newest) AS d",
            {"keys": sorted(set(keys)), "cap": POSTING_CAP, "hot": HOT},
        ).fetchall()
        postings = {key: (nums, count or len(nums)) for key, nums, count, _ in rows if nums}
        return postings, int(rows[0][3] or 1) if rows else 1

    def query(self, fingerprint: Fingerprint, limit: int = CANDIDATES) -> list[str]:
        keys = fingerprint.query_keys.view(np.int64).tolist()
        with self.db.connection() as conn:
            postings, total = self._postings(conn, keys)

            def names(nums: list[int]) -> dict[int, str]:
                sql = "SELECT num, doc_id FROM dedupe_docs WHERE num = ANY(%s)"
                return dict(conn.execute(sql, (nums,)).fetchall())

            return rank_postings(keys, postings, lambda: total, names, limit)

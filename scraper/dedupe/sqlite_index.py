"""`SQLiteIndex`: the candidate index in tables of an existing SQLite database.

Tables (created if missing, names prefixed `dedupe_`):
- dedupe_docs(num INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, keys BLOB): one row per indexed
  text, with its sample keys (so that removing it needs no fingerprint);
- dedupe_keys(key INTEGER, num INTEGER, PRIMARY KEY (key, num)) WITHOUT ROWID: one row per
  sample key of each text, clustered by key, so a lookup reads one short range.

Keys are the sampled 64-bit shingle hashes stored as signed integers. The index never commits:
the caller owns transactions (one per placement, or per batch with `add_many`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import numpy as np

from scraper.dedupe.index import CANDIDATES, POSTING_CAP, rank_postings
from scraper.dedupe.text import Fingerprint

HOT = 10_000  # a key's texts are counted up to this many (its weight is then negligible)
_ROWS = 16  # rows per key read at once; more, and each key is read on its own

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS dedupe_docs (
        num INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL UNIQUE,
        keys BLOB NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS dedupe_keys (
        key INTEGER NOT NULL,
        num INTEGER NOT NULL,
        PRIMARY KEY (key, num)
    ) WITHOUT ROWID""",
)


class SQLiteIndex:
    """A `FingerprintIndex` in the `dedupe_` tables of `connection`."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        for statement in SCHEMA:
            self.db.execute(statement)

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM dedupe_docs").fetchone()[0])

    def add(self, doc_id: str, fingerprint: Fingerprint) -> None:
        self.add_many([(doc_id, fingerprint)])

    def add_many(self, items: Iterable[tuple[str, Fingerprint]]) -> None:
        """Index many texts with one batched insert of their keys."""
        rows: list[tuple[int, int]] = []
        for doc_id, fingerprint in items:
            self.remove(doc_id)
            keys = fingerprint.index_keys.view(np.int64)
            cursor = self.db.execute(
                "INSERT INTO dedupe_docs (doc_id, keys) VALUES (?, ?)", (doc_id, keys.tobytes())
            )
            num = cursor.lastrowid
            assert num is not None
            rows += [(key, num) for key in keys.tolist()]
        self.db.executemany("INSERT OR IGNORE INTO dedupe_keys (key, num) VALUES (?, ?)", rows)

    def remove(self, doc_id: str) -> None:
        row = self.db.execute(
            "SELECT num, keys FROM dedupe_docs WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return
        num, blob = row
        keys = np.frombuffer(blob, dtype=np.int64).tolist()
        self.db.executemany(
            "DELETE FROM dedupe_keys WHERE key = ? AND num = ?", [(k, num) for k in keys]
        )
        self.db.execute("DELETE FROM dedupe_docs WHERE num = ?", (num,))

    def _postings(self, keys: list[int]) -> dict[int, tuple[list[int], int]]:
        """Each key's texts, newest first (POSTING_CAP + 1 at most), and its number of texts
        (counted up to HOT when it has more than POSTING_CAP), for the keys that have any."""
        marks = ",".join("?" * len(keys))
        cap = _ROWS * len(keys)
        rows = self.db.execute(
            f"SELECT key, num FROM dedupe_keys WHERE key IN ({marks}) LIMIT ?", (*keys, cap)
        ).fetchall()
        postings: dict[int, list[int]] = {}
        if len(rows) < cap:  # one statement was enough (no key is hot)
            for key, num in rows:
                postings.setdefault(key, []).append(num)
            postings = {key: nums[::-1][: POSTING_CAP + 1] for key, nums in postings.items()}
        else:  # some key has many texts: read each one's newest only
            for key in keys:
                postings[key] = [
                    num
                    for (num,) in self.db.execute(
                        "SELECT num FROM dedupe_keys WHERE key = ? ORDER BY num DESC LIMIT ?",
                        (key, POSTING_CAP + 1),
                    )
                ]
        return {
            key: (nums, self._count(key) if len(nums) > POSTING_CAP else len(nums))
            for key, nums in postings.items()
            if nums
        }

    def _count(self, key: int) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM (SELECT 1 FROM dedupe_keys WHERE key = ? LIMIT ?)",
                (key, HOT),
            ).fetchone()[0]
        )

    def _total(self) -> int:
        return int(self.db.execute("SELECT MAX(num) FROM dedupe_docs").fetchone()[0] or 1)

    def _names(self, nums: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(nums))
        return dict(
            self.db.execute(f"SELECT num, doc_id FROM dedupe_docs WHERE num IN ({marks})", nums)
        )

    def query(self, fingerprint: Fingerprint, limit: int = CANDIDATES) -> list[str]:
        keys = fingerprint.query_keys.view(np.int64).tolist()
        return rank_postings(keys, self._postings(keys), self._total, self._names, limit)

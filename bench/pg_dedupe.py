"""Dedupe lookups per second on PostgreSQL at scale, next to the SQLite index on the same data.

    .venv/bin/python bench/pg_dedupe.py [--articles 1000000] [--probes 3000]
        [--url postgresql://127.0.0.1:5432/test]   # default: $SCRAPER_TEST_POSTGRES or that

Synthetic fingerprints, shaped like the real ones (`scraper.dedupe.text`): each article has
40 index keys (the smallest of its shingle hashes: effectively unique values), one of them drawn
from 100,000 common shingles at Zipf frequencies (set phrases, wire lines), and a tenth of the
articles copy 60-100% of an earlier one's keys. Both indexes are bulk-loaded with the same rows
(PostgreSQL: binary COPY, then the primary key built; SQLite: sorted inserts), then each answers
the same probes through its `FingerprintIndex.query` (`PostgresIndex`, `SQLiteIndex`): half are
copies of archived articles (72 query keys, 40 of them shared), half new texts. Reported per
index: lookups/s on one connection (wall clock), latency median/p90/p99, load time and size;
then the ratio. The PostgreSQL schema (`bench_dedupe_<pid>`) is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from scraper.dedupe import SQLiteIndex  # noqa: E402
from scraper.dedupe.pg_index import PostgresIndex  # noqa: E402
from scraper.store.postgres import PostgresStore, connect_kwargs  # noqa: E402

INDEX_KEYS, QUERY_KEYS, COMMON_PER_TEXT = 40, 72, 1
COMMON = 100_000  # shared shingles (set phrases, wire lines)
CHUNK = 100_000  # articles generated and loaded at a time


@dataclass
class Probe:
    """What `FingerprintIndex.query` reads of a fingerprint."""

    query_keys: np.ndarray
    index_keys: np.ndarray


class Keys:
    """Deterministic synthetic sample keys (uint64), article by article."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        ranks = np.arange(1, COMMON + 1, dtype=np.float64)
        self.common_p = (1 / ranks) / (1 / ranks).sum()
        self.common = self.rng.integers(0, 1 << 60, COMMON, dtype=np.uint64)

    def fresh(self, n: int) -> np.ndarray:
        """`n` texts' keys, one row each: mostly their own, a few common ones."""
        own = self.rng.integers(0, 1 << 60, (n, INDEX_KEYS), dtype=np.uint64)
        picks = self.rng.choice(COMMON, (n, COMMON_PER_TEXT), p=self.common_p)
        own[:, :COMMON_PER_TEXT] = self.common[picks]
        return own

    def chunk(self, start: int, n: int, earlier: np.ndarray | None) -> np.ndarray:
        """Keys of articles start..start+n-1; a tenth copy much of an earlier article."""
        keys = self.fresh(n)
        if earlier is not None and len(earlier):
            copies = np.flatnonzero(self.rng.random(n) < 0.1)
            sources = self.rng.integers(0, len(earlier), copies.size)
            shared = self.rng.integers(24, INDEX_KEYS + 1, copies.size)
            for row, source, k in zip(
                copies.tolist(), sources.tolist(), shared.tolist(), strict=True
            ):
                keys[row, :k] = earlier[source, :k]
        return keys


def distinct_rows(keys: np.ndarray, first: int) -> tuple[np.ndarray, np.ndarray]:
    """(key, num) pairs of a chunk, each text's keys once, as int64 (as both indexes store them)."""
    nums = np.repeat(np.arange(first, first + len(keys), dtype=np.int64), keys.shape[1])
    flat = keys.reshape(-1).view(np.int64)
    pairs = np.unique(np.stack([nums, flat], axis=1), axis=0)  # sorted by num, then key
    return pairs[:, 1].copy(), pairs[:, 0].copy()


def binary_copy(columns: list[np.ndarray]) -> bytes:
    """Rows of int64 columns in PostgreSQL's binary COPY format (header, rows; no trailer)."""
    dtype = [("n", ">i2")] + [
        f for i in range(len(columns)) for f in ((f"l{i}", ">i4"), (f"v{i}", ">i8"))
    ]
    rows = np.empty(len(columns[0]), dtype=dtype)
    rows["n"] = len(columns)
    for i, column in enumerate(columns):
        rows[f"l{i}"] = 8
        rows[f"v{i}"] = column
    return rows.tobytes()


COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
COPY_TRAILER = struct.pack(">h", -1)


def load_postgres(url: str, schema: str, chunks: list[tuple[np.ndarray, int]]) -> float:
    PostgresStore(url, schema=schema).close()  # the tables, as the store creates them
    t0 = time.perf_counter()
    with psycopg.connect(**connect_kwargs(url, schema), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("ALTER TABLE dedupe_keys DROP CONSTRAINT dedupe_keys_pkey")
        with conn.cursor() as cursor:
            with cursor.copy("COPY dedupe_keys (key, num) FROM STDIN (FORMAT binary)") as copy:
                copy.write(COPY_HEADER)
                for keys, first in chunks:
                    key, num = distinct_rows(keys, first)
                    copy.write(binary_copy([key, num]))
                copy.write(COPY_TRAILER)
            with cursor.copy("COPY dedupe_docs (num, doc_id, keys) FROM STDIN") as copy:
                for keys, first in chunks:
                    for i, row in enumerate(keys):
                        copy.write_row(
                            (first + i, f"{first + i:016x}", row.view(np.int64).tobytes())
                        )
        conn.execute("ALTER TABLE dedupe_keys ADD PRIMARY KEY (key, num)")
        # As autovacuum leaves an insert-only table: its visibility map set, so that counting a
        # key's texts is an index-only scan rather than one heap read per entry.
        conn.execute("VACUUM ANALYZE dedupe_keys")
        conn.execute("VACUUM ANALYZE dedupe_docs")
    return time.perf_counter() - t0


def load_sqlite(path: Path, chunks: list[tuple[np.ndarray, int]]) -> float:
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    SQLiteIndex(db)  # the tables, as the index creates them
    pairs = [distinct_rows(keys, first) for keys, first in chunks]
    key = np.concatenate([p[0] for p in pairs])
    num = np.concatenate([p[1] for p in pairs])
    order = np.lexsort((num, key))  # in primary-key order: appends, not random inserts
    key, num = key[order], num[order]
    for lo in range(0, len(key), 1_000_000):
        db.executemany(
            "INSERT INTO dedupe_keys (key, num) VALUES (?, ?)",
            zip(key[lo : lo + 1_000_000].tolist(), num[lo : lo + 1_000_000].tolist(), strict=True),
        )
    for keys, first in chunks:
        db.executemany(
            "INSERT INTO dedupe_docs (num, doc_id, keys) VALUES (?, ?, ?)",
            (
                (first + i, f"{first + i:016x}", row.view(np.int64).tobytes())
                for i, row in enumerate(keys)
            ),
        )
    db.commit()
    db.close()
    return time.perf_counter() - t0


def probes(keys: Keys, chunks: list[tuple[np.ndarray, int]], n: int) -> list[Probe]:
    """Half copies of archived articles, half new texts."""
    out = []
    archived = np.concatenate([k for k, _ in chunks])
    for i in range(n):
        extra = keys.fresh(2).reshape(-1)[: QUERY_KEYS - INDEX_KEYS]
        own = archived[keys.rng.integers(0, len(archived))] if i % 2 else keys.fresh(1)[0]
        query = np.unique(np.concatenate([own, extra]))
        out.append(Probe(query, np.unique(own)))
    return out


def lookups(index: object, tests: list[Probe]) -> dict[str, float]:
    query = index.query  # type: ignore[attr-defined]
    for probe in tests[:50]:  # warm the caches
        query(probe)
    times = []
    found = 0
    wall = time.perf_counter()
    for probe in tests:
        t0 = time.perf_counter()
        found += bool(query(probe))
        times.append(time.perf_counter() - t0)
    wall = time.perf_counter() - wall
    times.sort()
    return {
        "lookups/s": len(tests) / wall,
        "ms median": statistics.median(times) * 1e3,
        "ms p90": times[int(len(times) * 0.9)] * 1e3,
        "ms p99": times[int(len(times) * 0.99)] * 1e3,
        "probes with candidates": found / len(tests),
    }


class Pool:
    """One connection as a `ConnectionSource`."""

    def __init__(self, conn: psycopg.Connection) -> None:  # type: ignore[type-arg]
        self.conn = conn

    def connection(self):  # type: ignore[no-untyped-def]
        from contextlib import nullcontext

        return nullcontext(self.conn)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--url", default=os.environ.get("SCRAPER_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
    )
    args = parser.parse_args(argv)
    keys = Keys(args.seed)
    chunks: list[tuple[np.ndarray, int]] = []
    earlier = None
    t0 = time.perf_counter()
    for start in range(0, args.articles, CHUNK):
        chunk = keys.chunk(start, min(CHUNK, args.articles - start), earlier)
        chunks.append((chunk, start + 1))
        earlier = chunk
    tests = probes(keys, chunks, args.probes)
    rows = sum(len(k) for k, _ in chunks) * INDEX_KEYS
    print(
        f"{args.articles:,} synthetic articles, ~{rows:,} index keys, {args.probes:,} probes "
        f"(generated in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    schema = f"bench_dedupe_{os.getpid()}"
    results = {}
    try:
        seconds = load_postgres(args.url, schema, chunks)
        with psycopg.connect(**connect_kwargs(args.url, schema), autocommit=True) as conn:
            size = conn.execute(
                "SELECT pg_total_relation_size('dedupe_keys') + pg_total_relation_size('dedupe_docs')"
            ).fetchone()[0]  # type: ignore[index]
            print(f"PostgreSQL: loaded in {seconds:.1f} s, {size / 1e6:,.0f} MB", flush=True)
            results["PostgreSQL"] = lookups(PostgresIndex(Pool(conn)), tests)
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.sqlite"
        seconds = load_sqlite(path, chunks)
        print(f"SQLite: loaded in {seconds:.1f} s, {path.stat().st_size / 1e6:,.0f} MB", flush=True)
        db = sqlite3.connect(path)
        results["SQLite"] = lookups(SQLiteIndex(db), tests)
        db.close()
    for name, figures in results.items():
        cells = ", ".join(
            f"{k} {v:,.3f}" if v < 10 else f"{k} {v:,.0f}" for k, v in figures.items()
        )
        print(f"{name} at {args.articles:,} articles: {cells}")
    ratio = results["PostgreSQL"]["lookups/s"] / results["SQLite"]["lookups/s"]
    print(f"PostgreSQL / SQLite lookups per second: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

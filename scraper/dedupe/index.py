"""The candidate index: which archived texts share sampled shingles with a new one.

Each text is indexed under a sample of its shingle hashes (`Fingerprint.index_keys`: the
smallest ones, and the smallest of its first lines) and queried with a larger sample. Unlike
MinHash LSH bands, whose hit rate follows the Jaccard similarity of two texts, a shared sample
key turns up whenever enough shingles are shared: an excerpt of 15% of an article meets several
of the article's keys. Candidates are ranked by the summed rarity (inverse document frequency)
of the keys they share, so that keys that every page of a template or wire service carries
count for little, and each key yields at most POSTING_CAP of its newest texts per run (any one
member of a story is enough to join it).

`MemoryIndex` keeps this in numpy arrays: one array of packed 64-bit entries (36 bits of key,
28 bits of document number) holding a few sorted runs (a log-structured merge: new entries are
gathered in a small dict, sorted into a run, and runs of similar size are merged in place),
each run with a table of bucket bounds so that a lookup reads one small bucket instead of
binary-searching the run. About 9 bytes per key, 48 keys at most per text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from scraper.dedupe.ids import IdTable
from scraper.dedupe.text import Fingerprint, distinct

POSTING_CAP = 64  # newest texts taken per key and run
CANDIDATES = 24  # candidates returned per query, best first

DOC_BITS = 28
_DOC_SHIFT = np.uint64(DOC_BITS)
DOC_MASK = np.uint64((1 << DOC_BITS) - 1)
KEY_MASK = np.uint64((1 << (64 - DOC_BITS)) - 1)
_BUFFER = 16384  # entries gathered in a dict before they are sorted into a run
_FANOUT = 8  # a run is merged into the previous one when that is at most FANOUT times larger
_BUCKET = 8  # mean entries per bucket of a run's bounds table
_CHUNK = 1 << 22  # entries per step when a whole run is scanned
_HEAVY = 4 * _BUCKET + POSTING_CAP  # a bucket this full is searched rather than read whole

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
U64 = NDArray[np.uint64]


class FingerprintIndex(Protocol):
    """Where candidates for confirmation come from; ids are the archive's article ids."""

    def add(self, doc_id: str, fingerprint: Fingerprint) -> None:
        """Index a text under `doc_id`, replacing what was indexed under it before."""

    def query(self, fingerprint: Fingerprint, limit: int = CANDIDATES) -> list[str]:
        """Ids of indexed texts sharing sample keys with `fingerprint`, best first."""
        ...

    def remove(self, doc_id: str) -> None:
        """Forget `doc_id` (a no-op when it is not indexed)."""


def rank(keys: I64, docs: I64, counts: F64, total: int, limit: int) -> I64:
    """Documents by summed inverse document frequency of the keys they share, best first.

    `keys[i]` is the position in `counts` of the key under which `docs[i]` was found; `counts`
    holds each key's number of texts, `total` the number of indexed texts. Ties go to the older
    (smaller) document number, so the order is deterministic.
    """
    if docs.size == 0:
        return np.zeros(0, dtype=np.int64)
    weights = np.log1p(total / np.maximum(counts, 1.0))[keys]
    order = np.argsort(docs, kind="stable")
    docs, weights = docs[order], weights[order]
    starts = np.flatnonzero(np.concatenate(([True], docs[1:] != docs[:-1])))
    scores = np.add.reduceat(weights, starts)
    best = np.argsort(-scores, kind="stable")[:limit]
    return docs[starts[best]]


def rank_postings(
    keys: list[int],
    postings: Mapping[int, tuple[list[int], int]],
    total: Callable[[], int],
    names: Callable[[list[int]], Mapping[int, str]],
    limit: int,
) -> list[str]:
    """The ids of the best texts for the query `keys`, ranked (`rank`) from what a stored index
    read (`SQLiteIndex`, `PostgresIndex`): each key's `postings`, its newest text numbers
    (newest first, POSTING_CAP of them are taken) and its number of texts, for the keys found;
    `total` (asked only when a text was found), the number of indexed texts; `names`, the ids
    of text numbers."""
    counts = np.zeros(len(keys), dtype=np.float64)
    found_docs: list[int] = []
    found_keys: list[int] = []
    for i, key in enumerate(keys):
        if key not in postings:
            continue
        nums, counts[i] = postings[key]
        nums = nums[:POSTING_CAP]
        found_docs += nums
        found_keys += [i] * len(nums)
    if not found_docs:
        return []
    best = rank(
        np.array(found_keys, dtype=np.int64),
        np.array(found_docs, dtype=np.int64),
        counts,
        total(),
        limit,
    ).tolist()
    found = names(best)
    return [found[num] for num in best if num in found]


def _ranges(starts: I64, lengths: I64) -> I64:
    """All positions start..start+length-1 of each range, concatenated."""
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(shift.size, dtype=np.int64) + shift


@dataclass
class _Run:
    start: int  # position of the run in the entry array
    size: int
    shift: np.uint64  # bucket of an entry = entry >> shift
    bounds: NDArray[np.uint32]  # (buckets, 2): start and end of each bucket in the entry array


class MemoryIndex:
    """A compact in-memory `FingerprintIndex` (numpy arrays, no per-entry Python objects)."""

    def __init__(self) -> None:
        self._entries = np.zeros(1 << 16, dtype=np.uint64)
        self._used = 0
        self._runs: list[_Run] = []
        self._buffer: dict[int, list[int]] = {}  # key -> numbers, for queries
        self._pending_keys: list[int] = []  # the same entries, for sorting into a run
        self._pending_docs: list[int] = []
        self._ids = IdTable(limit=1 << DOC_BITS)

    def __len__(self) -> int:
        return self._ids.live

    @property
    def nbytes(self) -> int:
        """Bytes held by the index's arrays (their allocated capacity)."""
        runs = sum(run.bounds.nbytes for run in self._runs)
        return self._entries.nbytes + self._ids.nbytes + runs

    @property
    def used_bytes(self) -> int:
        """Bytes of those arrays holding data (entries in use, bounds, ids)."""
        runs = sum(run.bounds.nbytes for run in self._runs)
        return self._used * 8 + self._ids.used_bytes + runs

    def add(self, doc_id: str, fingerprint: Fingerprint) -> None:
        number = self._ids.assign(doc_id)
        keys = distinct(fingerprint.index_keys & KEY_MASK).tolist()
        for key in keys:
            self._buffer.setdefault(key, []).append(number)
        self._pending_keys += keys
        self._pending_docs += [number] * len(keys)
        if len(self._pending_keys) >= _BUFFER:
            self._flush()

    def remove(self, doc_id: str) -> None:
        number = self._ids.number(doc_id)
        if number >= 0:
            self._ids.kill(number)  # its entries are dropped when their run is next merged

    def query(self, fingerprint: Fingerprint, limit: int = CANDIDATES) -> list[str]:
        keys = distinct(fingerprint.query_keys & KEY_MASK)
        if keys.size == 0 or not self._ids.live:
            return []
        counts = np.zeros(keys.size, dtype=np.float64)
        docs: list[I64] = []
        owners: list[I64] = []
        if self._runs:
            self._search_runs(keys, counts, docs, owners)
        if self._buffer:
            self._search_buffer(keys, counts, docs, owners)
        if not docs:
            return []
        found = np.concatenate(docs)
        owner = np.concatenate(owners)
        live = self._ids.alive[found]
        best = rank(owner[live], found[live], counts, self._ids.live, limit)
        return self._ids.ids(best)

    def _search_buffer(self, keys: U64, counts: F64, docs: list[I64], owners: list[I64]) -> None:
        hits = sorted(self._buffer.keys() & keys.tolist())
        if not hits:
            return
        lists = [self._buffer[key] for key in hits]
        where = np.searchsorted(keys, np.array(hits, dtype=np.uint64))
        counts[where] += [len(numbers) for numbers in lists]
        newest = [numbers[-POSTING_CAP:] for numbers in lists]
        docs.append(np.fromiter(chain.from_iterable(newest), dtype=np.int64))
        owners.append(np.repeat(where, [len(numbers) for numbers in newest]))

    # -- runs ---------------------------------------------------------------------------------
    def _flush(self) -> None:
        keys = np.array(self._pending_keys, dtype=np.uint64)
        docs = np.array(self._pending_docs, dtype=np.uint64)
        batch = (keys << _DOC_SHIFT) | docs
        self._buffer, self._pending_keys, self._pending_docs = {}, [], []
        if self._used + batch.size > self._entries.size:
            size = max(self._used + batch.size, self._entries.size * 5 // 4)
            entries = np.zeros(size, dtype=np.uint64)
            entries[: self._used] = self._entries[: self._used]
            self._entries = entries
        self._entries[self._used : self._used + batch.size] = batch
        self._runs.append(_Run(self._used, batch.size, np.uint64(0), np.zeros((1, 2), np.uint32)))
        self._used += batch.size
        while len(self._runs) > 1 and self._runs[-2].size <= _FANOUT * self._runs[-1].size:
            last = self._runs.pop()
            self._runs[-1].size += last.size
        self._seal(self._runs[-1])

    def _seal(self, run: _Run) -> None:
        """Sort the last run in place, drop entries of removed texts, rebuild its bounds."""
        segment = self._entries[run.start : run.start + run.size]
        segment.sort(kind="stable")  # sorted runs side by side: a linear merge
        if self._ids.live < self._ids.count:  # some texts were removed
            keep = segment[self._ids.alive[(segment & DOC_MASK).astype(np.int64)]]
            segment[: keep.size] = keep
            run.size = keep.size
            self._used = run.start + run.size
            segment = segment[: keep.size]
        bits = max(1, min(64 - DOC_BITS, math.ceil(math.log2(max(2.0, run.size / _BUCKET)))))
        run.shift = np.uint64(64 - bits)
        counts = np.zeros(1 << bits, dtype=np.int64)
        for lo in range(0, run.size, _CHUNK):  # in chunks: no temporary as large as the run
            buckets = (segment[lo : lo + _CHUNK] >> run.shift).astype(np.intp)
            counts += np.bincount(buckets, minlength=1 << bits)
        if run.start + run.size >= 1 << 32:
            raise OverflowError("MemoryIndex holds at most 2**32 keys")
        run.bounds = np.empty((1 << bits, 2), dtype=np.uint32)
        run.bounds[:, 1] = np.cumsum(counts) + run.start
        run.bounds[:, 0] = run.bounds[:, 1] - counts

    def _search_runs(self, keys: U64, counts: F64, docs: list[I64], owners: list[I64]) -> None:
        packed = keys << _DOC_SHIFT
        bounds = np.concatenate(
            [run.bounds[(packed >> run.shift).astype(np.intp)] for run in self._runs]
        ).astype(np.int64)
        start = bounds[:, 0]
        length = bounds[:, 1] - start
        which = np.arange(length.size, dtype=np.int64) % keys.size
        heavy = length > _HEAVY
        if heavy.any():  # a key of many texts: count them, keep its newest
            for i in np.flatnonzero(heavy).tolist():
                s, k = int(start[i]), int(which[i])
                lo, hi = np.searchsorted(
                    self._entries[s : s + int(length[i])],
                    [packed[k], packed[k] + np.uint64(1 << DOC_BITS)],
                ).tolist()
                counts[k] += hi - lo
                start[i] = s + max(lo, hi - POSTING_CAP)
                length[i] = s + hi - start[i]
        entries = self._entries[_ranges(start, length)]
        owner = np.repeat(which, length)
        match = (entries >> _DOC_SHIFT) == keys[owner]
        light = match & ~np.repeat(heavy, length)
        counts += np.bincount(owner[light], minlength=keys.size)
        match |= np.repeat(heavy, length)  # a searched bucket holds its key only
        docs.append((entries[match] & DOC_MASK).astype(np.int64))
        owners.append(owner[match])

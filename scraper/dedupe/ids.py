"""`IdTable`: small document numbers for string ids, held in numpy arrays (no dict of strings).

Numbers are handed out in order and never reused; re-adding an id gives it a new number and
marks the old one dead. An open-addressing table maps a 64-bit hash of each id to its number.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray


def id_hash(doc_id: str) -> int:
    """A 64-bit hash of an id, never 0 (0 marks an empty slot)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "little") | 1


class IdTable:
    """id <-> number, and which numbers are alive."""

    def __init__(self, limit: int = 1 << 32) -> None:
        self.limit = limit
        self.count = 0  # numbers handed out
        self.live = 0
        self._ids = np.zeros(1 << 10, dtype="S16")
        self._alive = np.zeros(1 << 10, dtype=bool)
        self._slots = np.zeros(1 << 11, dtype=np.uint64)
        self._numbers = np.zeros(1 << 11, dtype=np.int64)

    @property
    def alive(self) -> NDArray[np.bool_]:
        """alive[number] is True while that number's text is indexed."""
        return self._alive

    @property
    def nbytes(self) -> int:
        return self._ids.nbytes + self._alive.nbytes + self._slots.nbytes + self._numbers.nbytes

    @property
    def used_bytes(self) -> int:
        """Bytes of ids and flags in use, and of the hash table (kept at most half full)."""
        per_number = self._ids.itemsize + 1
        return self.count * per_number + self._slots.nbytes + self._numbers.nbytes

    def _slot(self, h: int) -> int:
        mask = self._slots.size - 1
        i = h & mask
        while True:
            s = int(self._slots[i])
            if s == 0 or s == h:
                return i
            i = (i + 1) & mask

    def number(self, doc_id: str) -> int:
        """The live number of `doc_id`, or -1."""
        h = id_hash(doc_id)
        i = self._slot(h)
        if int(self._slots[i]) != h:
            return -1
        number = int(self._numbers[i])
        return number if self._alive[number] else -1

    def assign(self, doc_id: str) -> int:
        """A new number for `doc_id` (its previous one, if any, is dead)."""
        raw = doc_id.encode()
        if self.count == self._ids.size or len(raw) > self._ids.itemsize:
            self._grow_ids(len(raw))
        if self.count >= self.limit:
            raise OverflowError(f"at most {self.limit} numbers")
        if 2 * (self.count + 1) >= self._slots.size:
            self._grow_slots()
        h = id_hash(doc_id)
        i = self._slot(h)
        if int(self._slots[i]) == h:
            self.kill(int(self._numbers[i]))
        number = self.count
        self.count += 1
        self.live += 1
        self._ids[number] = raw
        self._alive[number] = True
        self._slots[i], self._numbers[i] = h, number
        return number

    def kill(self, number: int) -> None:
        if self._alive[number]:
            self._alive[number] = False
            self.live -= 1

    def ids(self, numbers: NDArray[np.int64]) -> list[str]:
        return [raw.decode() for raw in self._ids[numbers].tolist()]

    def _grow_ids(self, width: int) -> None:
        size = self._ids.size * (2 if self.count == self._ids.size else 1)
        ids = np.zeros(size, dtype=f"S{max(width, self._ids.itemsize)}")
        ids[: self.count] = self._ids[: self.count]
        alive = np.zeros(size, dtype=bool)
        alive[: self.count] = self._alive[: self.count]
        self._ids, self._alive = ids, alive

    def _grow_slots(self) -> None:
        used = self._slots != 0
        hashes, numbers = self._slots[used].tolist(), self._numbers[used].tolist()
        self._slots = np.zeros(self._slots.size * 2, dtype=np.uint64)
        self._numbers = np.zeros(self._slots.size, dtype=np.int64)
        for h, n in zip(hashes, numbers, strict=True):
            i = self._slot(h)
            self._slots[i], self._numbers[i] = h, n

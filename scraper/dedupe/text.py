"""Fingerprints of an extracted article body: hashed word 5-gram shingles of normalised text.

Normalisation folds case and accents ("Café" == "cafe"), splits on anything that is not a letter
or digit, and makes every CJK ideograph or kana its own token (those scripts have no spaces).
Lines that are boilerplate wherever they appear (navigation crumbs, "Read more", credit and
copyright lines, wire tags such as "Reuters contributed to this report") are dropped first, so
they neither create matches between unrelated articles nor dilute the overlap of real copies.

Everything after line filtering runs in numpy over the text's code points: token hashes are
polynomial hashes computed from prefix sums, shingle hashes are polynomial hashes of five token
hashes, all in wrapping 64-bit arithmetic: a 600-word body takes about 0.1 ms, and the hashes
are the same on every machine and every run (indexes store them).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scraper.array_cache import Arrays, cached_arrays

U64 = NDArray[np.uint64]

SHINGLE = 5  # words per shingle
# Index keys: the smallest shingle hashes of a text (a bottom-k sample). Stored keys scale with
# the text (one per STORE_RATE shingles, within bounds) so that an excerpt of 15% of a long text
# still meets several of them; query keys are more numerous (lookups cost time, not memory), so
# that a long text meets the keys of a short one stored before it.
STORE_RATE, STORE_MIN, STORE_MAX = 8, 24, 40
QUERY_RATE, QUERY_MIN, QUERY_MAX = 4, 32, 64
# Both also hold the smallest LEAD_KEYS hashes of the first LEAD_SPAN shingles: a teaser repeats
# its article's beginning, so it meets these keys however short a part of the article it is.
LEAD_SPAN, LEAD_KEYS = 40, 8

_CJK = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Phrases that mark a (short) line as a credit, wire tag, promotion or copyright notice.
_BOILERPLATE = (
    "read more",
    "read the full",
    "continue reading",
    "contributed to this report",
    "additional reporting by",
    "(reporting by",
    "; editing by",
    "all rights reserved",
    "copyright 1",
    "copyright 2",
    "copyright (c)",
    "sign up for our",
    "sign up to our",
    "subscribe to our",
    "follow us on",
    "share this article",
    "share this story",
    "click here",
    "originally published on",
    "originally published by",
    "originally appeared on",
    "first published on",
    "first published by",
    "first appeared on",
    "first appeared in",
    "original source",
    "republished with",
    "republished from",
    "republished by",
    "reproduced with",
    "reprinted with",
    "\u00a9",
)
_LEADS = ("source:", "reporting by", "editing by", "via ")  # notices at a line's start
_SEPARATORS = "|•·»›"
_TEASER = ("read more", "continue reading", "read the full", "full story", "keep reading")


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """A text's shingles: in text order (`seq`) and as a sorted set, plus an exact-text digest."""

    seq: U64  # shingle hashes in text order (positions matter for edge trimming)
    shingles: U64  # sorted, unique
    digest: bytes  # of the normalised token sequence: equal digests are exact copies
    tokens: int
    teaser: bool = False  # the text ends with "Read more" or the like: it is an excerpt

    @property
    def size(self) -> int:
        return int(self.shingles.size)

    @functools.cached_property
    def index_keys(self) -> U64:
        """The keys stored for this text in a candidate index (sorted, distinct)."""
        sample = self.shingles[: _bounded(self.size, STORE_RATE, STORE_MIN, STORE_MAX)]
        return distinct(np.concatenate((sample, self.lead_keys)))

    @functools.cached_property
    def query_keys(self) -> U64:
        """The keys looked up to find candidates for this text (a superset of its index keys)."""
        sample = self.shingles[: _bounded(self.size, QUERY_RATE, QUERY_MIN, QUERY_MAX)]
        return distinct(np.concatenate((sample, self.lead_keys)))

    @functools.cached_property
    def lead_keys(self) -> U64:
        """A sample of the shingles of the text's beginning (the smallest hashes there)."""
        return distinct(self.seq[:LEAD_SPAN])[:LEAD_KEYS]


def is_teaser(text: str) -> bool:
    """True if one of the last lines of `text` is a "Read more" link (after it, a footer)."""
    lines = [line for line in text[-2000:].lower().splitlines() if line.strip()]
    return any(len(line) < 80 and any(mark in line for mark in _TEASER) for line in lines[-8:])


def distinct(values: U64) -> U64:
    """Sorted distinct values (np.unique is slower on small arrays)."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _bounded(n: int, rate: int, low: int, high: int) -> int:
    return max(low, min(high, -(-n // rate)))


def is_boilerplate_line(line: str) -> bool:
    """True for a line that is boilerplate wherever it appears, never an article's own words."""
    if len(line) < 30 and len(line.split()) < 5:  # crumbs, labels, "Read more", bylines
        return True
    if len(line) <= 300 and _is_notice(line):
        return True
    return len(line) <= 160 and sum(line.count(c) for c in _SEPARATORS) >= 2  # navigation bars


def _is_notice(line: str) -> bool:
    lower = line.lower()
    if lower.startswith(_LEADS):
        return True
    return any(phrase in lower for phrase in _BOILERPLATE)


def content_text(text: str) -> str:
    """The text without its boilerplate lines (all of it if that would leave too little)."""
    lines = [line.strip() for line in text.splitlines()]
    short = "\n".join(line for line in lines if len(line) <= 300).lower()
    notices = any(phrase in short for phrase in _BOILERPLATE + _LEADS)
    bars = any(c in short for c in _SEPARATORS)
    kept = [line for line in lines if line and not _dropped(line, notices, bars)]
    if sum(map(len, kept)) < 0.3 * sum(map(len, lines)):  # a text of short lines: keep them
        kept = [line for line in lines if line and not (notices and _is_notice(line))]
    return "\n".join(kept)


def _dropped(line: str, notices: bool, bars: bool) -> bool:
    """`is_boilerplate_line`, skipping the tests that the whole text already ruled out."""
    if len(line) < 30 and len(line.split()) < 5:
        return True
    if notices and len(line) <= 300 and _is_notice(line):
        return True
    return bars and len(line) <= 160 and sum(line.count(c) for c in _SEPARATORS) >= 2


@functools.cache
def _tables() -> tuple[U64, NDArray[np.bool_]]:
    """Per BMP code point: its folded form (0 for separators) and whether it is a CJK token.

    Built code point by code point (0.1 s of CPU), so kept in the cache folder, per Unicode
    version, for every process that dedupes (`scraper.array_cache`)."""
    name = f"textfold-{unicodedata.unidata_version}-{_FOLD_FORMAT}.npz"
    tables = cached_arrays(name, _make_tables, ("fold", "cjk"))
    return tables["fold"], tables["cjk"]


_FOLD_FORMAT = 1  # changes whenever `_make_tables` would make other tables


def _make_tables() -> Arrays:
    fold = np.zeros(0x10000, dtype=np.uint64)
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        if unicodedata.category(char)[0] not in "LN":
            continue
        lower = char.lower() if len(char.lower()) == 1 else char
        base = "".join(
            c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c)
        )
        if len(base) == 1 and unicodedata.category(base)[0] in "LN":
            lower = base
        fold[cp] = ord(lower)
    cjk = np.zeros(0x10000, dtype=bool)
    for low, high in _CJK:
        cjk[low : high + 1] = True
    return {"fold": fold, "cjk": cjk}


_P = 0x100000001B3  # odd, so invertible modulo 2**64
_Q = 0x9E3779B97F4A7C15
_MIX = np.uint64(0xBF58476D1CE4E5B9)


@functools.cache
def _powers(base: int, size: int) -> tuple[U64, U64]:
    """base**i and base**-i modulo 2**64 for i < size."""
    up = np.full(size, base, dtype=np.uint64)
    up[0] = 1
    down = np.full(size, pow(base, -1, 1 << 64), dtype=np.uint64)
    down[0] = 1
    return np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64)


def _powers_for(base: int, n: int) -> tuple[U64, U64]:
    size = 1 << max(16, (n + 1).bit_length())
    return _powers(base, size)


def _mix(h: U64) -> U64:
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def token_hashes(text: str) -> U64:
    """64-bit hashes of the normalised tokens of `text`, in order."""
    fold, cjk = _tables()
    cp = np.frombuffer(unicodedata.normalize("NFC", text).encode("utf-32-le"), dtype=np.uint32)
    if cp.size == 0:
        return np.zeros(0, dtype=np.uint64)
    wide = int(cp.max()) >= _CJK[0][0]
    if wide:
        cp = np.minimum(cp, 0xFFFF)  # astral planes (emoji, rare ideographs): separators
    f = fold.take(cp)
    word = f != 0
    cut = np.flatnonzero(word[1:] != word[:-1]) + 1  # where words start or end
    if word[0]:
        cut = np.concatenate(([0], cut))
    if word[-1]:
        cut = np.concatenate((cut, [f.size]))
    starts, ends = cut[0::2], cut[1::2]
    if wide and (at := np.flatnonzero(cjk[cp] & word)).size:  # each ideograph is a token
        bounds = np.zeros(f.size + 1, dtype=bool)
        bounds[starts] = bounds[ends] = bounds[at] = bounds[at + 1] = True
        cut = np.flatnonzero(bounds)
        starts, ends = cut[:-1], cut[1:]
        keep = word[starts]
        starts, ends = starts[keep], ends[keep]
    up, down = _powers_for(_P, f.size)
    prefix = np.zeros(f.size + 1, dtype=np.uint64)
    np.cumsum(f * up[: f.size], out=prefix[1:])
    return _mix((prefix[ends] - prefix[starts]) * down[starts])


def shingle_hashes(tokens: U64, k: int = SHINGLE) -> U64:
    """Hashes of the k-token windows of `tokens` (one hash of all of them if fewer than k)."""
    n = tokens.size
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(k, n)
    up, down = _powers_for(_Q, n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(tokens * up[:n], out=prefix[1:])
    return _mix((prefix[k:] - prefix[:-k]) * down[: n - k + 1])


def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of an article body (its boilerplate lines are ignored)."""
    tokens = token_hashes(content_text(text))
    seq = shingle_hashes(tokens)
    ordered = distinct(seq)
    digest = hashlib.blake2b(tokens.tobytes(), digest_size=16).digest()
    return Fingerprint(seq, ordered, digest, int(tokens.size), is_teaser(text))

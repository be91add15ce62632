"""Republication dedupe: one story for every copy of an article, with its original named.

    book = StoryBook()                       # the archive's story store (here: in memory)
    deduper = Deduper(MemoryIndex(), book)   # or SQLiteIndex(connection)
    book.record(doc)                         # for each newly archived or re-versioned article
    book.apply(deduper.place(doc))

- `text`: fingerprints (hashed word 5-gram shingles of the boilerplate-free body);
- `compare`: exact shingle overlap of two fingerprints and the link kind it means;
- `index`: the `FingerprintIndex` protocol and the compact in-memory `MemoryIndex`;
- `sqlite_index`: `SQLiteIndex`, the same index in `dedupe_` tables of an SQLite database;
- `claims`: credits and canonicals as claims, joining only where they stand (and the texts agree);
- `original`: choosing a story's original (credit, containment, date; ties stated);
- `engine`: `Deduper.place(doc) -> Placement`, called once per archived article;
- `stories`: `StoryBook`, the in-memory story store (the reference for a persistent one);
"""

from scraper.dedupe.claims import is_article_url
from scraper.dedupe.compare import Overlap, Verdict, classify, overlap
from scraper.dedupe.engine import Deduper
from scraper.dedupe.index import FingerprintIndex, MemoryIndex
from scraper.dedupe.model import (
    DedupeDoc,
    Link,
    LinkKind,
    OriginalChoice,
    Placement,
    Reason,
    StoryPart,
    StoryState,
)
from scraper.dedupe.original import choose_original, trusted_date
from scraper.dedupe.sqlite_index import SQLiteIndex
from scraper.dedupe.stories import StoryBook
from scraper.dedupe.text import Fingerprint, content_text, fingerprint

__all__ = [
    "DedupeDoc",
    "Deduper",
    "Fingerprint",
    "FingerprintIndex",
    "Link",
    "LinkKind",
    "MemoryIndex",
    "OriginalChoice",
    "Overlap",
    "Placement",
    "Reason",
    "SQLiteIndex",
    "StoryBook",
    "StoryPart",
    "StoryState",
    "Verdict",
    "choose_original",
    "classify",
    "content_text",
    "fingerprint",
    "is_article_url",
    "overlap",
    "trusted_date",
]

"""Candidate indexes: the compact in-memory one and the SQLite one answer alike."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

import scraper.dedupe.index as index_module
from bench.synth import excerpt, load_bodies
from scraper.dedupe import Fingerprint, MemoryIndex, SQLiteIndex, fingerprint

TRUTH = (
    Path(__file__).resolve().parents[2]
    / "shared/corpora/article-extraction-benchmark/ground-truth.json"
)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not TRUTH.is_file():
        pytest.skip(f"shared corpus not present: {TRUTH}")
    return [text for _, text in load_bodies(TRUTH) if len(text.split()) >= 150]


@pytest.fixture(scope="module")
def prints(texts: list[str]) -> list[Fingerprint]:
    return [fingerprint(text) for text in texts]


def test_an_excerpt_finds_its_article_and_the_article_finds_its_excerpt(
    texts: list[str], prints: list[Fingerprint]
) -> None:
    articles, teasers = MemoryIndex(), MemoryIndex()
    for i, (text, fp) in enumerate(zip(texts, prints, strict=True)):
        articles.add(f"a{i}", fp)
        teasers.add(f"t{i}", fingerprint(excerpt(text, 0.15) + "\n\nRead more"))
    for i, (text, fp) in enumerate(zip(texts, prints, strict=True)):
        assert f"a{i}" in articles.query(fingerprint(excerpt(text, 0.15)))[:3]
        assert f"t{i}" in teasers.query(fp)[:3]


def test_runs_merge_and_removed_texts_disappear(
    prints: list[Fingerprint], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "_BUFFER", 64)  # a run every few texts: many merges
    index = MemoryIndex()
    for i, fp in enumerate(prints):
        index.add(f"d{i}", fp)
    assert len(index._runs) <= 4
    for i, fp in enumerate(prints):
        assert index.query(fp)[0] == f"d{i}"
    for i in range(0, len(prints), 2):
        index.remove(f"d{i}")
    for i in range(0, len(prints), 2):
        index.add(f"x{i}", prints[i])  # more runs: merges drop the removed entries
    assert len(index) == len(prints)
    for i, fp in enumerate(prints):
        assert index.query(fp)[0] == (f"x{i}" if i % 2 == 0 else f"d{i}")
    sizes = sum(run.size for run in index._runs) + len(index._pending_keys)
    assert sizes < sum(fp.index_keys.size for fp in prints) * 1.3


def test_adding_an_id_again_replaces_its_text(prints: list[Fingerprint]) -> None:
    index = MemoryIndex()
    index.add("d", prints[0])
    index.add("d", prints[1])
    assert len(index) == 1
    assert index.query(prints[0]) == []
    assert index.query(prints[1]) == ["d"]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_key_every_text_shares_yields_a_bounded_number_of_candidates(kind: str) -> None:
    common = "Sign in to read this story and many more from our newsroom every day of the week"
    index = MemoryIndex() if kind == "memory" else SQLiteIndex(sqlite3.connect(":memory:"))
    for i in range(400):
        index.add(f"d{i}", fingerprint(f"{common} item number {i} of the list."))
    found = index.query(fingerprint(f"{common} item number 7 of the list."))
    assert found[0] == "d7"
    assert len(found) <= index_module.CANDIDATES


def test_memory_per_text_stays_under_a_kilobyte(prints: list[Fingerprint]) -> None:
    index = MemoryIndex()
    for i in range(3000):
        index.add(f"{i:016d}", prints[i % len(prints)])
    used = index._used * 8 + sum(r.bounds.nbytes for r in index._runs)
    assert used / 3000 < 1000


def test_the_sqlite_index_creates_its_tables_and_survives_a_reopen(
    tmp_path: Path, texts: list[str], prints: list[Fingerprint]
) -> None:
    path = tmp_path / "archive.sqlite"
    with sqlite3.connect(path) as db:
        index = SQLiteIndex(db)
        index.add_many((f"d{i}", fp) for i, fp in enumerate(prints[:50]))
    tables = {
        name
        for (name,) in sqlite3.connect(path).execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
    }
    assert tables == {"dedupe_docs", "dedupe_keys"}
    with sqlite3.connect(path) as db:
        index = SQLiteIndex(db)
        assert len(index) == 50
        assert index.query(fingerprint(excerpt(texts[3], 0.2)))[0] == "d3"
        index.remove("d3")
        assert "d3" not in index.query(prints[3])
        index.add("d3", prints[4])
        assert index.query(prints[4])[:2] in (["d4", "d3"], ["d3", "d4"])
        keys = db.execute("SELECT COUNT(*) FROM dedupe_keys").fetchone()[0]
        assert keys == sum(np.unique(prints[i].index_keys).size for i in [*range(50), 4]) - (
            np.unique(prints[3].index_keys).size
        )


def test_the_sqlite_and_memory_indexes_rank_candidates_alike(prints: list[Fingerprint]) -> None:
    memory, stored = MemoryIndex(), SQLiteIndex(sqlite3.connect(":memory:"))
    for i, fp in enumerate(prints[:60]):
        memory.add(f"d{i}", fp)
        stored.add(f"d{i}", fp)
    for fp in prints[:60]:
        assert memory.query(fp)[:1] == stored.query(fp)[:1]

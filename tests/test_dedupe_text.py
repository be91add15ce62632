"""Fingerprints: normalised, boilerplate-free, deterministic, fast enough for the pipeline."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from bench.synth import load_bodies
from scraper.dedupe.text import content_text, fingerprint, is_boilerplate_line, token_hashes

TRUTH = (
    Path(__file__).resolve().parents[2]
    / "shared/corpora/article-extraction-benchmark/ground-truth.json"
)


@pytest.fixture(scope="module")
def bodies() -> list[tuple[str, str]]:
    if not TRUTH.is_file():
        pytest.skip(f"shared corpus not present: {TRUTH}")
    return load_bodies(TRUTH)


def test_case_accents_and_punctuation_do_not_change_the_fingerprint() -> None:
    a = fingerprint("Café au lait, said the Minister — it was “excellent”.")
    b = fingerprint("CAFE AU LAIT said the minister: it was 'excellent'")
    assert a.digest == b.digest
    assert np.array_equal(a.shingles, b.shingles)


def test_hashes_are_the_same_on_every_machine_and_run() -> None:
    # Stored in indexes: a change here silently breaks every archive's dedupe tables.
    assert int(token_hashes("news")[0]) == 2356673604108123688
    assert fingerprint("one two three four five").shingles.tolist() == [985005183491366961]


def test_each_ideograph_is_a_token_and_spaced_scripts_split_on_spaces() -> None:
    assert token_hashes("日本語のテキスト").size == 8
    assert token_hashes("Характеристики бега можно").size == 3
    assert token_hashes("iPhoneを販売").size == 4


@pytest.mark.parametrize(
    "line",
    [
        "Read more",
        "Home | World | Politics | Business",
        "The original source of this article is The Daily Example.",
        "Reuters contributed to this report.",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "© 2024 Example Media. All rights reserved.",
        "Sign up for our newsletter to get the latest stories delivered to your inbox.",
    ],
)
def test_boilerplate_lines_are_dropped_before_fingerprinting(line: str) -> None:
    assert is_boilerplate_line(line)
    body = "The council approved the budget on Tuesday after a long and heated debate."
    assert fingerprint(f"{body}\n\n{line}").digest == fingerprint(body).digest


def test_an_article_paragraph_is_not_boilerplate(bodies: list[tuple[str, str]]) -> None:
    for _, text in bodies[:40]:
        kept = content_text(text)
        assert len(kept) >= 0.7 * len(text.strip()) or len(text) < 400


def test_a_text_ending_in_read_more_is_a_teaser() -> None:
    assert fingerprint("First words of the article.\n\nRead more at Example News").teaser
    assert not fingerprint("A whole article, with its end.").teaser


def test_index_keys_sample_the_text_and_its_beginning(bodies: list[tuple[str, str]]) -> None:
    fp = fingerprint(max((text for _, text in bodies), key=len))
    assert 24 <= fp.index_keys.size <= 48
    assert set(fp.lead_keys.tolist()) <= set(fp.seq[:40].tolist())
    assert set(fp.index_keys.tolist()) <= set(fp.query_keys.tolist())


def test_fingerprinting_a_600_word_body_takes_well_under_a_millisecond(
    bodies: list[tuple[str, str]],
) -> None:
    texts = [text for _, text in bodies if 400 <= len(text.split()) <= 800][:30]
    fingerprint(texts[0])
    started = time.process_time()
    for text in texts * 3:
        fingerprint(text)
    per_text = (time.process_time() - started) / (3 * len(texts))
    assert per_text < 1e-3


def test_the_folding_table_kept_in_the_cache_is_the_one_made_and_a_bad_cache_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table is made once into the user's cache folder and read from there after; a damaged
    file is made again, and an unwritable folder only means making it each time."""
    from scraper.dedupe import text

    made = text._make_tables()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    text._tables.cache_clear()
    try:
        first = text._tables()
        [kept] = list((tmp_path / "cache" / "scraper").glob("textfold-*.npz"))
        text._tables.cache_clear()
        read = text._tables()  # from the file now
        for tables in (first, read):
            assert (tables[0] == made["fold"]).all() and (tables[1] == made["cjk"]).all()
        assert token_hashes("Élan, ÉLAN élan")[0] == token_hashes("elan")[0]

        kept.write_bytes(b"PK\x03\x04 cut short")  # damaged: made again, and kept again
        text._tables.cache_clear()
        assert (text._tables()[0] == made["fold"]).all()
        assert kept.stat().st_size > 100_000
        np.savez(kept, fold=made["fold"])  # readable, but a table short
        text._tables.cache_clear()
        assert (text._tables()[1] == made["cjk"]).all()

        (tmp_path / "blocked").write_text("a file where the cache folder should be")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
        text._tables.cache_clear()
        assert (text._tables()[0] == made["fold"]).all()
    finally:
        text._tables.cache_clear()

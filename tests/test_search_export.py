"""Search (FTS5) and the CSV and Markdown exports, over a real archive."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from scraper.models import ARTICLE_KEYS
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus


@pytest.fixture
def archive(site: TestSite, tmp_path, cli):  # type: ignore[no-untyped-def]
    require_corpus()
    pages = load_pages(8)
    publish_corpus(site, pages[:4], "/one.xml", "rss", prefix="/one/")
    publish_corpus(site, pages[4:], "/two.xml", "atom", prefix="/two/")
    config = write_config(
        tmp_path,
        [
            {"name": "one", "feed": site.url("/one.xml")},
            {"name": "two", "feed": site.url("/two.xml")},
        ],
    )
    assert cli("fetch", "--config", str(config)).code == 0
    records = cli("export", "--config", str(config)).jsonl()
    return config, records


def distinctive_phrase(text: str) -> str:
    """Four consecutive words from the middle of the text: a phrase only it contains."""
    words = re.findall(r"\w+", text)
    middle = len(words) // 2
    return " ".join(words[middle : middle + 4])


def test_a_phrase_finds_its_article_first_with_a_snippet(archive, cli) -> None:
    config, records = archive
    target = records[5]
    phrase = distinctive_phrase(target["text"])
    result = cli("search", f'"{phrase}"', "--json", "--config", str(config))
    assert result.code == 0
    hits = [json.loads(line) for line in result.out.splitlines()]
    assert hits[0]["id"] == target["id"]
    assert "[" in hits[0]["snippet"] and "]" in hits[0]["snippet"]
    assert "text" not in hits[0]


def test_search_filters_by_source_and_date(archive, cli) -> None:
    config, records = archive
    target = next(r for r in records if r["source"] == "two")
    phrase = distinctive_phrase(target["text"])
    assert cli("search", f'"{phrase}"', "--source", "one", "--config", str(config)).code == 1
    found = cli("search", f'"{phrase}"', "--source", "two", "--config", str(config))
    assert found.code == 0 and target["id"] in found.out
    assert cli("search", f'"{phrase}"', "--since", "2999-01-01", "--config", str(config)).code == 1


def test_authors_are_searchable_and_bad_queries_are_one_line_errors(archive, cli) -> None:
    config, records = archive
    with_author = next((r for r in records if r["authors"]), None)
    if with_author:
        surname = with_author["authors"][0].split()[-1]
        assert with_author["id"] in cli("search", surname, "--config", str(config)).out
    bad = cli("search", '"unbalanced', "--config", str(config))
    assert bad.code == 1 and "cannot search" in bad.err and "Traceback" not in bad.err


def test_csv_export_has_the_contract_columns(archive, cli) -> None:
    config, records = archive
    out = cli("export", "--format", "csv", "--config", str(config)).out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == list(ARTICLE_KEYS)
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in records)


def test_markdown_export_and_source_filter(archive, cli) -> None:
    config, records = archive
    out = cli("export", "--format", "markdown", "--source", "one", "--config", str(config)).out
    assert out.count("\n## ") + out.startswith("## ") == 4
    assert all(r["url"] in out for r in records if r["source"] == "one")
    assert not any(r["url"] in out for r in records if r["source"] == "two")
    since = cli("export", "--since", "2999-01-01", "--config", str(config)).jsonl()
    assert since == []

"""`scraper search` reads what a person types: punctuation in words is words, the operators
still work, and a malformed query is one readable line; alike on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.config.settings import load_config
from scraper.models import Article, WarcLocation
from scraper.store import open_store
from scraper.urls import article_id
from tests.conftest import write_config
from tests.stores import BACKENDS, POSTGRES_URL, postgres_schema

TEXTS = {
    "tanf": "American troops left the Al-Tanf garrison near the border.",
    "covid": "COVID-19 cases rose again in the spring.",
    "embassy": "The U.S. embassy said nothing about the talks.",
    "shop": "Andrew's shop reopened on the high street.",
    "memorial": "Memories of 9/11 remain vivid for the firefighters.",
    "prices": "Prices rose 50% in a single year.",
    "ward": "A ward for covid 19 patients opened at Al Tanf.",
}


@pytest.fixture(params=BACKENDS)
def config(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A config whose index (SQLite, or a PostgreSQL schema) holds one article per text."""
    path = write_config(tmp_path, [{"name": "news", "feed": "http://127.0.0.1:9/feed.xml"}])
    if request.param == "sqlite":
        yield _filled(path)
        return
    with postgres_schema() as schema:
        text = path.read_text(encoding="utf-8").replace(
            "[http]", f'[index]\nurl = "{POSTGRES_URL}"\nschema = "{schema}"\n\n[http]'
        )
        path.write_text(text, encoding="utf-8")
        yield _filled(path)


def _filled(path: Path) -> Path:
    store = open_store(load_config(path), create=True)
    try:
        for key, text in TEXTS.items():
            url = f"https://news.example/{key}"
            store.save_article(
                source="news",
                url=url,
                article=Article(url=url, text=text, markdown=text),
                entry=None,
                fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
                path=f"news/{key}",
                warc=WarcLocation("warc/a.warc.gz", 0),
            )
    finally:
        store.close()
    return path


def found(cli, config: Path, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The keys of the articles `scraper search QUERY` lists."""
    result = cli("search", query, "--json", "--config", str(config))
    assert result.code in (0, 1) and result.err in ("", "no match\n"), result.err
    ids = {record["id"] for record in result.jsonl()}
    return {key for key in TEXTS if article_id(f"https://news.example/{key}") in ids}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("Al-Tanf", {"tanf", "ward"}),  # "Al Tanf" too, as FTS5 reads it, on both indexes
        ("covid-19", {"covid", "ward"}),
        ("U.S.", {"embassy"}),
        ("Andrew's", {"shop"}),
        ("9/11", {"memorial"}),
        ("50%", {"prices"}),
        ("al-tanf garrison", {"tanf"}),
    ],
)
def test_words_with_punctuation_find_their_article(cli, config, query, keys) -> None:  # type: ignore[no-untyped-def]
    assert found(cli, config, query) == keys


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ('"embassy said nothing"', {"embassy"}),
        ('"said embassy"', set()),
        ("Al-Tanf OR 9/11", {"tanf", "ward", "memorial"}),
        ("rose NOT covid-19", {"prices"}),
        ("firefight*", {"memorial"}),
        ("(U.S. OR Andrew's) AND reopened", {"shop"}),
    ],
)
def test_phrases_or_not_and_prefixes_keep_their_meaning(cli, config, query, keys) -> None:  # type: ignore[no-untyped-def]
    assert found(cli, config, query) == keys


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ('"embassy said', 'a quote (") is not closed'),
        ("NOT covid", "NOT needs a word on each side (e.g. ceasefire NOT truce)"),
        ("covid OR", "OR needs a word after it"),
        ("(covid", 'a "(" is not closed'),
        ("covid)", 'a ")" closes nothing'),
    ],
)
def test_a_malformed_query_is_one_readable_line(cli, config, query, why) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", query, "--config", str(config))
    assert result.code == 1 and result.out == ""
    assert result.err == f"error: cannot search for {query!r}: {why}\n"

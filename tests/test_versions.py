"""Versions: every edit a reader would see is kept with its diff; noise makes no version."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from scraper.clock import utcnow
from scraper.config.settings import load_config
from scraper.fetch.fetcher import Fetcher
from scraper.pipeline.core import Pipeline
from scraper.runners.extract_pool import Extractor
from scraper.store.archive import Archive
from scraper.store.versions import Snapshot, classify_change, render_word_diff, word_diff
from tests.conftest import write_config
from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, page_title, rss_feed


def editable_sentence(page: CorpusPage) -> str:
    """A sentence of the true body that appears verbatim in the page's HTML."""
    for paragraph in page.body.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if len(sentence.split()) >= 12 and sentence in page.html:
                return sentence
    raise AssertionError("no editable sentence")


@pytest.fixture
def one_page(site: TestSite, tmp_path: Path):
    require_corpus()
    page = next(p for p in load_pages(40) if _has_sentence(p))
    site.add("/article.html", page.html)
    item = FeedItem(site.url("/article.html"), page_title(page), guid="a1")
    site.add("/feed.xml", rss_feed([item]), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    return page, config


def _has_sentence(page: CorpusPage) -> bool:
    try:
        editable_sentence(page)
    except AssertionError:
        return False
    return True


def folder_files(tmp_path: Path) -> list[str]:
    folder = next((tmp_path / "archive").rglob("metadata.json")).parent
    return sorted(p.name for p in folder.iterdir())


def test_an_edited_paragraph_makes_a_second_version_with_its_diff(
    site: TestSite, one_page, tmp_path, cli
) -> None:
    page, config = one_page
    assert cli("fetch", "--config", str(config)).code == 0
    sentence = editable_sentence(page)
    edited = sentence.replace(sentence.split()[3], "CORRECTED", 1) + " An editor's note was added."
    site.add("/article.html", page.html.replace(sentence, edited, 1))
    result = cli("fetch", "--revisit", "--config", str(config))
    assert result.code == 0, result.err
    assert "1 updated" in result.out
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["versions"] == 2 and "CORRECTED" in record["text"]
    versions = cli("export", "--versions", "--config", str(config)).jsonl()
    assert [v["version"] for v in versions] == [1, 2]
    assert "CORRECTED" not in versions[0]["text"] and "CORRECTED" in versions[1]["text"]
    diff = cli("diff", record["id"], "--no-color", "--config", str(config))
    assert diff.code == 0 and "{+CORRECTED+}" in diff.out and "editor's note" in diff.out
    unified = cli("diff", record["id"], "1", "2", "--unified", "--config", str(config))
    assert unified.out.startswith("--- v1") and "+" in unified.out
    assert {"v1.md", "v2.md", "v2.diff", "article.md"} <= set(folder_files(tmp_path))


def test_a_changed_title_makes_a_version(site: TestSite, one_page, tmp_path, cli) -> None:
    page, config = one_page
    cli("fetch", "--config", str(config))
    html = re.sub(
        r"<title>(.*?)</title>",
        "<title>Retitled: a new headline</title>",
        page.html,
        count=1,
        flags=re.S,
    )
    html = re.sub(
        r'(<meta[^>]+property="og:title"[^>]+content=")[^"]*',
        r"\1Retitled: a new "
        "headline",
        html,
    )
    html = re.sub(
        r"<h1([^>]*)>.*?</h1>", r"<h1\1>Retitled: a new headline</h1>", html, count=1, flags=re.S
    )
    site.add("/article.html", html)
    cli("fetch", "--revisit", "--config", str(config))
    versions = cli("export", "--versions", "--config", str(config)).jsonl()
    assert len(versions) == 2 and versions[1]["title"] != versions[0]["title"]
    assert "Retitled" in versions[1]["title"]


def test_counters_timestamps_and_rotating_ads_make_no_version(
    site: TestSite, one_page, tmp_path, cli
) -> None:
    page, config = one_page
    sentence = editable_sentence(page)

    def with_noise(views: int, minutes: int, ad: str) -> str:
        noise = (
            f"{sentence}</p><p>{views:,} views · Updated {minutes} minutes ago</p>"
            f"<div class='ad'>Advertisement: {ad}</div><p>"
        )
        return page.html.replace(sentence, noise, 1)

    site.add("/article.html", with_noise(1234, 5, "Buy the new phone today"))
    cli("fetch", "--config", str(config))
    for views, minutes, ad in [(1300, 9, "Cheap flights to Rome"), (2211, 40, "Insurance")]:
        site.add("/article.html", with_noise(views, minutes, ad))
        cli("fetch", "--revisit", "--config", str(config))
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["versions"] == 1
    assert "v2.md" not in folder_files(tmp_path)


def test_a_whitespace_only_edit_is_a_hidden_minor_version(
    site: TestSite, one_page, tmp_path, cli
) -> None:
    page, config = one_page
    cli("fetch", "--config", str(config))
    sentence = editable_sentence(page)
    site.add(
        "/article.html",
        page.html.replace(sentence, sentence.replace(" ", "  ", 3).rstrip(".") + " .", 1),
    )
    cli("fetch", "--revisit", "--config", str(config))
    assert cli("export", "--config", str(config)).jsonl()[0]["versions"] == 1
    assert len(cli("export", "--versions", "--config", str(config)).jsonl()) == 1
    every = cli("export", "--versions", "--include-minor", "--config", str(config)).jsonl()
    assert len(every) == 2


def test_a_thousand_unchanged_revisits_add_no_files_only_fetch_log_rows(
    site: TestSite, tmp_path
) -> None:
    require_corpus()
    page = load_pages(1)[0]
    site.add("/article.html", page.html, etag='"same"')
    site.add(
        "/feed.xml",
        rss_feed([FeedItem(site.url("/article.html"), "t")]),
        content_type="application/rss+xml",
    )
    config = load_config(write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}]))

    async def scenario() -> tuple[list[str], int]:
        extractor = Extractor(processes=False)
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, extractor, utcnow)
                source = config.sources[0]
                await pipeline.poll(source)
                [article] = list(archive.store.iter_articles())
                before = len(archive.store.fetch_log(limit=100_000))
                outcomes = [await pipeline.revisit(source, article) for _ in range(1000)]
                return outcomes, len(archive.store.fetch_log(limit=100_000)) - before
        finally:
            extractor.close()
            archive.close()

    before_files = None
    outcomes, log_rows = asyncio.run(scenario())
    assert set(outcomes) == {"not modified"}
    assert log_rows == 1000
    md_files = list((tmp_path / "archive").rglob("*.md"))
    before_files = [p for p in md_files if p.name != "README.md"]
    assert sorted(p.name for p in before_files) == ["article.md", "v1.md"]


def test_noise_normalisation_and_word_diff() -> None:
    a = Snapshot("T", "Hello world. 1,234 views. Posted 5 minutes ago.\n\nSecond para.")
    b = Snapshot("T", "Hello world. 1,240 views. Posted 7 minutes ago.\n\nSecond para.")
    c = Snapshot("T", "Hello, world! 1,240 views.\n\nSecond  para.")
    d = Snapshot("T", "Hello world. Changed para.")
    assert classify_change(a, b) == "none"
    assert classify_change(a, c) == "minor"
    assert classify_change(a, d) == "major"
    assert classify_change(a, Snapshot("T", "")) == "none"  # a failed extraction is no edit
    assert classify_change(a, Snapshot("Other", a.text)) == "major"
    rendered = render_word_diff(word_diff("one two three", "one 2 three"), color=False)
    assert rendered == "one [-two-] {+2+} three\n"

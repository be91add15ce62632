"""What the archive says happened did happen: no version without an edit, no page lost.

Servers that send no validators, feeds that carry what pages lack, pages that fail to extract
and feeds that answer 304 meanwhile: the conditions of the real web our first tests never set.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.clock import utcnow
from scraper.config.settings import load_config
from scraper.fetch.fetcher import Fetcher
from scraper.models import Article, FeedEntry, Source
from scraper.pipeline.core import Pipeline
from scraper.runners.extract_pool import Extractor
from scraper.store.archive import Archive
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.test_versions import _has_sentence, editable_sentence
from tests.testsite import FeedItem, TestSite, page_title, rss_feed

EMPTY_PAGE = "<html><head><title>Loading</title></head><body><div id='app'></div></body></html>"


def feed_of(site: TestSite, items: list[FeedItem], etag: str | None = None) -> None:
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml", etag=etag)


def test_unchanged_pages_of_a_server_without_validators_make_no_version_though_the_feed_gave_what_they_lack(
    site: TestSite, tmp_path: Path, cli
) -> None:
    """The feed names the author, the time and the title; the pages (real ones) may not. A
    revisit of the same page must not read the feed's words as vanished from the page."""
    require_corpus()
    pages = load_pages(12)
    start = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    items = []
    for n, page in enumerate(pages):
        path = f"/a/{n}.html"
        site.add(path, page.html)  # no ETag, no Last-Modified: every answer is a 200
        items.append(
            FeedItem(
                site.url(path),
                page_title(page),
                guid=f"g{n}",
                published=start - timedelta(hours=n),
                authors=("b",),
            )
        )
    feed_of(site, items)
    config = write_config(tmp_path, [{"name": "plain", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    first = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert len(first) == len(pages)
    assert sum("b" in r["authors"] for r in first.values()) >= 1  # the feed's byline is kept
    for _ in range(2):
        result = cli("fetch", "--revisit", "--config", str(config))
        assert result.code == 0, result.err
        assert "updated" not in result.out
    again = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert [r["versions"] for r in again.values()] == [1] * len(pages)
    for url, record in again.items():
        assert (record["title"], record["authors"], record["published"]) == (
            first[url]["title"],
            first[url]["authors"],
            first[url]["published"],
        )


def test_a_revisit_that_finds_the_same_bytes_costs_no_extraction(
    site: TestSite, tmp_path: Path
) -> None:
    require_corpus()
    page = load_pages(1)[0]
    site.add("/article.html", page.html)
    feed_of(site, [FeedItem(site.url("/article.html"), page_title(page), guid="one")])
    config = load_config(write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}]))
    extractor = Extractor(processes=False)
    calls: list[str] = []

    async def counting(
        page: str | bytes,
        url: str,
        entry: FeedEntry | None,
        source: Source | None,
        content_type: str | None,
    ) -> Article:
        calls.append(url)
        return await extractor(page, url, entry, source, content_type)

    async def scenario() -> list[str]:
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, counting, utcnow)
                source = config.sources[0]
                await pipeline.poll(source)
                [article] = list(archive.store.iter_articles())
                outcomes = [await pipeline.revisit(source, article) for _ in range(5)]
                site.add("/article.html", page.html.replace("</body>", "<p>x</p></body>", 1))
                outcomes.append(await pipeline.revisit(source, article))
                return outcomes
        finally:
            extractor.close()
            archive.close()

    outcomes = asyncio.run(scenario())
    assert outcomes[:5] == ["unchanged"] * 5
    assert len(calls) == 2  # the first fetch, and the one whose bytes changed
    assert outcomes[5] in {"unchanged", "minor", "major"}


def test_a_page_that_failed_to_extract_is_archived_once_it_reads_though_the_feed_answers_304(
    site: TestSite, tmp_path: Path, cli
) -> None:
    """A page whose extraction failed is not marked done: `status` and `verify` show it, and it
    is tried again at the next poll even though the unchanged feed answers 304."""
    require_corpus()
    pages = load_pages(3)
    items = []
    for n, page in enumerate(pages):
        site.add(f"/a/{n}.html", page.html)
        items.append(FeedItem(site.url(f"/a/{n}.html"), page_title(page), guid=f"g{n}"))
    site.add("/a/1.html", EMPTY_PAGE)  # a shell with no body yet
    feed_of(site, items, etag="feed-v1")
    config = write_config(tmp_path, [{"name": "flaky", "feed": site.url("/feed.xml")}])
    first = cli("fetch", "--config", str(config))
    assert first.code == 1 and "a/1.html" in first.err
    assert len(cli("export", "--config", str(config)).jsonl()) == 2
    status = json.loads(cli("status", "--json", "--config", str(config)).out)
    [failing] = status["sources"][0]["pages_failing"]
    assert failing["url"] == site.url("/a/1.html") and failing["kind"] == "extraction"
    assert "pages not archived yet (1)" in cli("status", "--config", str(config)).out
    verify = cli("verify", "--config", str(config))
    assert "not archived yet: " + site.url("/a/1.html") in verify.out

    site.add("/a/1.html", pages[1].html)  # the page reads now; the feed did not change
    second = cli("fetch", "--config", str(config))
    assert second.code == 0, second.err
    assert len(site.requests_to("/feed.xml")) == 2
    assert [r.status for r in site.requests_to("/feed.xml")][-1] == 304
    assert len(cli("export", "--config", str(config)).jsonl()) == 3
    status = json.loads(cli("status", "--json", "--config", str(config)).out)
    assert status["sources"][0]["pages_failing"] == []
    assert "not archived yet" not in cli("verify", "--config", str(config)).out


def test_a_failing_page_is_tried_again_with_backoff_even_after_the_feed_drops_it(
    site: TestSite, tmp_path: Path, cli
) -> None:
    require_corpus()
    page = load_pages(1)[0]
    site.add("/gone-from-feed.html", page.html)
    site.fault("/gone-from-feed.html", "status", status=500)
    feed_of(site, [FeedItem(site.url("/gone-from-feed.html"), "t", guid="x")])
    config = write_config(
        tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"retries": 0}
    )
    assert cli("fetch", "--config", str(config)).code == 1  # attempt 1: due again at once
    feed_of(site, [])  # the feed moved on
    assert cli("fetch", "--config", str(config)).code == 1  # attempt 2: next in 5 minutes
    third = cli("fetch", "--config", str(config))  # not due: not requested
    assert "1 failed before, retried later" in third.out
    assert len(site.requests_to("/gone-from-feed.html")) == 2
    site.fault("/gone-from-feed.html", None)
    assert cli("fetch", "--force", "--config", str(config)).code == 0  # --force: due now
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["url"] == site.url("/gone-from-feed.html") and record["text"]


def test_a_rotating_list_of_links_inside_the_body_is_no_edit_and_a_real_one_still_is(
    site: TestSite, tmp_path: Path, cli
) -> None:
    """Live furniture (a "most read" list that changes at every visit, inside the article's
    container) makes no version; an edited sentence of the same page does."""
    require_corpus()
    page = next(p for p in load_pages(40) if _has_sentence(p))
    sentence = editable_sentence(page)
    at = page.html.index("</p>", page.html.index(sentence)) + len("</p>")  # after its paragraph
    headlines = [f"Headline number {n} about something else entirely" for n in range(12)]

    def served(first: int, extra: str = "") -> str:
        items = "".join(
            f'<li><a href="/other/{n}.html">{headlines[n]}</a></li>'
            for n in range(first, first + 4)
        )
        furniture = f"<p>Most read</p><ul class='most-read'>{items}</ul>{extra}"
        return page.html[:at] + furniture + page.html[at:]

    site.add("/article.html", served(0))
    feed_of(site, [FeedItem(site.url("/article.html"), page_title(page), guid="one")])
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    for first in (3, 6, 8):
        site.add("/article.html", served(first))
        assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    assert cli("export", "--config", str(config)).jsonl()[0]["versions"] == 1
    edit = "<p>Correction: an earlier version of this article misstated the figures.</p>"
    site.add("/article.html", served(1, edit))
    assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["versions"] == 2 and "Correction" in record["text"]


def test_a_live_line_in_the_body_that_changes_at_every_request_is_no_edit(
    site: TestSite, tmp_path: Path, cli
) -> None:
    """A line of the body made anew for each request (a market figure, a clock): a revisit
    that sees it changed looks again, finds it changed again, and records no version. A real
    edit of the same page, seen by both looks, is a version."""
    require_corpus()
    page = next(p for p in load_pages(40) if _has_sentence(p))
    sentence = editable_sentence(page)
    at = page.html.index("</p>", page.html.index(sentence)) + len("</p>")
    edited = {"on": False}

    def render(n: int) -> str:
        live = (
            f"<p>Live: the index stood at {7012 + 37 * n} points at {10 + n}:{n * 7 % 60:02d}.</p>"
        )
        html = page.html[:at] + live + page.html[at:]
        if edited["on"]:
            html = html.replace(sentence, sentence + " Correction: the figure was revised.", 1)
        return html

    site.add_live("/article.html", render)
    feed_of(site, [FeedItem(site.url("/article.html"), page_title(page), guid="one")])
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    [record] = cli("export", "--config", str(config)).jsonl()
    assert "index stood at 7012" in record["text"]  # the live line is in the body
    for _ in range(3):
        assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    assert cli("export", "--config", str(config)).jsonl()[0]["versions"] == 1
    edited["on"] = True
    assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["versions"] == 2 and "Correction: the figure was revised" in record["text"]

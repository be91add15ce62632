"""The daemon's extraction stage: a poll ends once its pages are fetched; pages wait as the
place of their bytes in WARC, and are extracted and stored by the stage's tasks."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from scraper.archive import Archive
from scraper.config import load_config
from scraper.extractor import Extractor
from scraper.fetcher import Fetcher, utcnow
from scraper.models import Article, FeedEntry, Source
from scraper.page_queue import PageQueue
from scraper.pipeline import Pipeline
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus


def test_a_poll_ends_before_its_pages_are_extracted_and_the_stage_stores_them_all(
    site: TestSite, tmp_path: Path
) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(6), "/feed.xml")
    config = load_config(write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}],
                                      http={"per_host_delay": "0s"}))  # fmt: skip
    extractor = Extractor(processes=False)

    async def slow_extract(page: str | bytes, url: str, entry: FeedEntry | None,
                           source: Source | None, content_type: str | None) -> Article:  # fmt: skip
        await asyncio.sleep(0.5)  # a backlog of extraction
        return await extractor(page, url, entry, source, content_type)

    async def scenario() -> tuple[float, int, int, int]:
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, slow_extract, utcnow)
                stage = PageQueue(pipeline, lambda: {s.name: s for s in config.sources}, tasks=2)
                pipeline.handoff, pipeline.pending = stage.handoff, stage.pending
                stage.start()
                began = time.monotonic()
                report = await pipeline.poll(config.sources[0])
                took = time.monotonic() - began
                stored_then = archive.store.count_articles()
                again = await pipeline.poll(config.sources[0], force=True)  # pages still queued
                while stage.backlog:
                    await asyncio.sleep(0.05)
                left = await stage.stop(5)
                assert left == 0 and again.queued == 0  # queued pages are not fetched again
                return took, report.queued, stored_then, archive.store.count_articles()
        finally:
            archive.close()
            extractor.close()

    took, queued, stored_then, stored = asyncio.run(scenario())
    assert queued == len(urls) and stored_then == 0  # the poll handed every page over
    assert took < 0.5 * len(urls) / 2  # and did not wait for their extraction
    assert stored == len(urls)
    fetched = [r.path for r in site.requests if r.path.startswith("/articles/")]
    assert len(fetched) == len(urls)  # each page fetched once


@pytest.mark.parametrize("grouped", [False, True])
def test_pages_waiting_when_the_daemon_died_are_queued_again_at_the_next_start(
    site: TestSite, tmp_path: Path, grouped: bool
) -> None:
    """The feed answers 304 after the first poll: only the journal knows those pages remain
    (`grouped`: a new source's first pages went over together, noted one by one)."""
    require_corpus()
    urls = publish_corpus(site, load_pages(4), "/feed.xml", etag='"v1"')
    config = load_config(write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}],
                                      http={"per_host_delay": "0s"}))  # fmt: skip
    journal = tmp_path / "archive" / ".pages-queued.jsonl"

    async def scenario() -> tuple[int, int, int]:
        archive = Archive(config)
        extractor = Extractor(processes=False)
        sources = lambda: {s.name: s for s in config.sources}  # noqa: E731
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, extractor, utcnow)
                dying = PageQueue(pipeline, sources, tasks=0, journal=journal)  # extracts nothing
                pipeline.handoff, pipeline.pending = dying.handoff, dying.pending
                pipeline.handoff_group = dying.handoff_group if grouped else None
                dying.start()
                first = await pipeline.poll(config.sources[0])  # then the process is killed
                assert first.queued == len(urls) and dying.backlog == len(urls)
                assert dying._queue.qsize() == (1 if grouped else len(urls))
                restarted = PageQueue(pipeline, sources, tasks=1, journal=journal)
                pipeline.handoff, pipeline.pending = restarted.handoff, restarted.pending
                requeued = restarted.start()
                again = await pipeline.poll(config.sources[0])
                while restarted.backlog:
                    await asyncio.sleep(0.05)
                await restarted.stop(5)
                after = PageQueue(pipeline, sources, tasks=0, journal=journal)
                assert after.start() == 0  # every page's end was noted
                await after.stop(1)
                return requeued, again.status or 0, archive.store.count_articles()
        finally:
            extractor.close()
            archive.close()

    requeued, status, stored = asyncio.run(scenario())
    assert requeued == len(urls) and status in (0, 304) and stored == len(urls)
    fetched = [r.path for r in site.requests if r.path.startswith("/articles/")]
    assert len(fetched) == len(urls)  # read back from WARC, not fetched again


def test_a_page_cut_off_by_the_stop_stays_in_the_journal_for_the_next_start(
    site: TestSite, tmp_path: Path
) -> None:
    require_corpus()
    publish_corpus(site, load_pages(2), "/feed.xml")
    config = load_config(write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}],
                                      http={"per_host_delay": "0s"}))  # fmt: skip
    journal = tmp_path / "archive" / ".pages-queued.jsonl"

    async def never_done(*_: object) -> Article:
        await asyncio.sleep(60)  # an extraction the grace period cuts off
        raise AssertionError("not reached")

    async def scenario() -> tuple[int, int, int]:
        archive = Archive(config)
        sources = lambda: {s.name: s for s in config.sources}  # noqa: E731
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, never_done, utcnow)
                stage = PageQueue(pipeline, sources, tasks=1, journal=journal)
                pipeline.handoff, pipeline.pending = stage.handoff, stage.pending
                stage.start()
                await pipeline.poll(config.sources[0])
                await asyncio.sleep(0.2)  # one page is being extracted, one waits
                left = await stage.stop(0.2)
                again = PageQueue(pipeline, sources, tasks=0, journal=journal)
                requeued = again.start()
                await again.stop(0.1)
                return left, requeued, archive.store.count_articles()
        finally:
            archive.close()

    left, requeued, stored = asyncio.run(scenario())
    assert left == 2 and requeued == 2 and stored == 0

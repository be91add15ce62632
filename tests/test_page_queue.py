"""The daemon's extraction stage: a poll ends once its pages are fetched; pages wait as the
place of their bytes in WARC, and are extracted and stored by the stage's tasks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scraper.clock import utcnow
from scraper.config.settings import Config, load_config
from scraper.fetch.fetcher import Fetcher
from scraper.models import Article, FeedEntry, Source
from scraper.pipeline.core import Pipeline
from scraper.pipeline.parts import ExtractFn
from scraper.runners.extract_pool import Extractor
from scraper.runners.page_queue import PageQueue
from scraper.store.archive import Archive
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus


def test_a_poll_ends_before_its_pages_are_extracted_and_the_stage_stores_them_all(
    site: TestSite, tmp_path: Path
) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(6), "/feed.xml")
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    extractor = Extractor(processes=False)

    async def slow_extract(
        page: str | bytes,
        url: str,
        entry: FeedEntry | None,
        source: Source | None,
        content_type: str | None,
    ) -> Article:
        await asyncio.sleep(0.5)  # a backlog of extraction
        return await extractor(page, url, entry, source, content_type)

    async def scenario() -> tuple[float, int, int, int]:
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                stage = PageQueue(lambda: {s.name: s for s in config.sources}, tasks=2)
                pipeline = Pipeline(
                    fetcher, archive.store, archive.tree, slow_extract, utcnow, handoff=stage
                )
                stage.start(pipeline)
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
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    journal = tmp_path / "archive" / ".pages-queued.jsonl"

    async def scenario() -> tuple[int, int, int]:
        archive = Archive(config)
        extractor = Extractor(processes=False)
        sources = lambda: {s.name: s for s in config.sources}  # noqa: E731
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                # extracts nothing
                dying = PageQueue(sources, tasks=0, journal=journal, learns_groups=grouped)
                pipeline = Pipeline(
                    fetcher, archive.store, archive.tree, extractor, utcnow, handoff=dying
                )
                dying.start(pipeline)
                first = await pipeline.poll(config.sources[0])  # then the process is killed
                assert first.queued == len(urls) and dying.backlog == len(urls)
                assert dying._queue.qsize() == (1 if grouped else len(urls))
                restarted = PageQueue(sources, tasks=1, journal=journal)
                pipeline = Pipeline(
                    fetcher, archive.store, archive.tree, extractor, utcnow, handoff=restarted
                )
                requeued = restarted.start(pipeline)
                again = await pipeline.poll(config.sources[0])
                while restarted.backlog:
                    await asyncio.sleep(0.05)
                await restarted.stop(5)
                after = PageQueue(sources, tasks=0, journal=journal)
                assert after.start(pipeline) == 0  # every page's end was noted
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
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    journal = tmp_path / "archive" / ".pages-queued.jsonl"

    async def never_done(*_: object) -> Article:
        await asyncio.sleep(60)  # an extraction the grace period cuts off
        raise AssertionError("not reached")

    async def scenario() -> tuple[int, int, int]:
        archive = Archive(config)
        sources = lambda: {s.name: s for s in config.sources}  # noqa: E731
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                stage = PageQueue(sources, tasks=1, journal=journal)
                pipeline = Pipeline(
                    fetcher, archive.store, archive.tree, never_done, utcnow, handoff=stage
                )
                stage.start(pipeline)
                await pipeline.poll(config.sources[0])
                await asyncio.sleep(0.2)  # one page is being extracted, one waits
                left = await stage.stop(0.2)
                again = PageQueue(sources, tasks=0, journal=journal)
                requeued = again.start(pipeline)
                await again.stop(0.1)
                return left, requeued, archive.store.count_articles()
        finally:
            archive.close()

    left, requeued, stored = asyncio.run(scenario())
    assert left == 2 and requeued == 2 and stored == 0


@contextlib.asynccontextmanager
async def grouping_stage(
    config: Config, extract: ExtractFn, tasks: int
) -> AsyncIterator[tuple[Archive, Pipeline, PageQueue]]:
    """The daemon's wiring: a pipeline handing its pages to an extraction stage, a new source's
    first pages together."""
    archive = Archive(config)
    try:
        async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
            stage = PageQueue(lambda: {s.name: s for s in config.sources}, tasks=tasks)
            pipeline = Pipeline(
                fetcher, archive.store, archive.tree, extract, utcnow, handoff=stage
            )
            stage.start(pipeline)
            yield archive, pipeline, stage
    finally:
        archive.close()


def test_a_new_source_s_later_pages_wait_until_its_first_ones_are_learned(
    site: TestSite, tmp_path: Path
) -> None:
    """The first pages go over as one item and are learned together; pages of the same poll
    queued after them wait for that, though another task is free and their extraction quick."""
    from tests.test_site_learning import long_pages, publish_about

    require_corpus()
    publish_about(site, long_pages(7))
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    extractor = Extractor(processes=False)
    calls = 0

    async def first_ones_slow(
        page: str | bytes,
        url: str,
        entry: FeedEntry | None,
        source: Source | None,
        content_type: str | None,
    ) -> Article:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.6 if calls <= 4 else 0)  # the group's extraction takes a while
        return await extractor(page, url, entry, source, content_type)

    async def scenario() -> list[str]:
        try:
            async with grouping_stage(config, first_ones_slow, tasks=3) as (
                archive,
                pipeline,
                stage,
            ):
                report = await pipeline.poll(config.sources[0])
                assert report.queued == 7
                while stage.backlog:
                    await asyncio.sleep(0.05)
                await stage.stop(5)
                return [a.text for a in archive.store.iter_articles()]
        finally:
            extractor.close()

    texts = asyncio.run(scenario())
    assert len(texts) == 7 and not any("Exemple Hebdo" in text for text in texts)


def test_a_poll_cut_short_makes_the_next_read_the_whole_feed_and_archive_what_is_missing(
    site: TestSite, tmp_path: Path
) -> None:
    """Pages fetched (in WARC) but not stored when a poll is cancelled: the feed answers 304
    to a conditional poll, so its validators are forgotten and the next poll lists them."""
    require_corpus()
    urls = publish_corpus(site, load_pages(3), "/feed.xml", etag='"v1"')
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    extractor = Extractor(processes=False)

    async def stuck(*_: object) -> Article:
        await asyncio.sleep(60)  # extraction the stop cuts off
        raise AssertionError("not reached")

    async def scenario() -> tuple[tuple[str | None, str | None], int, int]:
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                cut = Pipeline(fetcher, archive.store, archive.tree, stuck, utcnow)
                poll = asyncio.ensure_future(cut.poll(config.sources[0]))
                while len([r for r in site.requests if r.path.startswith("/articles/")]) < 3:
                    await asyncio.sleep(0.05)
                poll.cancel()
                await asyncio.gather(poll, return_exceptions=True)
                forgotten = archive.store.get_validators(site.url("/feed.xml"))
                whole = Pipeline(fetcher, archive.store, archive.tree, extractor, utcnow)
                again = await whole.poll(config.sources[0])
                return forgotten, again.status or 0, archive.store.count_articles()
        finally:
            archive.close()
            extractor.close()

    forgotten, status, stored = asyncio.run(scenario())
    assert forgotten == (None, None) and status == 200 and stored == len(urls)


def test_a_source_that_grows_a_page_a_poll_has_every_page_stored(
    site: TestSite, tmp_path: Path
) -> None:
    """Each poll of a new source brings one page, a group of one, until its model is warm; then
    its pages go alone, and each is stored (they waited for good on a group of one, whose end
    was never told: the soak lost 1,243 pages so)."""
    require_corpus()
    pages = load_pages(6)
    config = load_config(
        write_config(
            tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}], http={"per_host_delay": "0s"}
        )
    )
    extractor = Extractor(processes=False)

    async def scenario() -> list[int]:
        stored = []
        try:
            async with grouping_stage(config, extractor, tasks=2) as (archive, pipeline, stage):
                for n in range(1, len(pages) + 1):
                    publish_corpus(site, pages[:n], "/feed.xml")
                    await pipeline.poll(config.sources[0])
                    for _ in range(100):  # 5 s at most
                        if not stage.backlog:
                            break
                        await asyncio.sleep(0.05)
                    stored.append(archive.store.count_articles())
                await stage.stop(5)
                return stored
        finally:
            extractor.close()

    assert asyncio.run(scenario()) == [1, 2, 3, 4, 5, 6]

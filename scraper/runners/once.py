"""The one-off fetch: poll the chosen sources once, concurrently, and report on each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from scraper.config.settings import Config
from scraper.errors import ScraperError
from scraper.logs import event
from scraper.models import Source, StoredArticle
from scraper.pipeline.core import Pipeline
from scraper.pipeline.report import Problem, SourceReport
from scraper.progress import Progress
from scraper.runners.extract_pool import Extractor
from scraper.runners.memory import release_free_memory
from scraper.runners.session import open_session
from scraper.store.archive import Archive
from scraper.store.cdxj import KnownLines

log = logging.getLogger("scraper.runner")
NOTIFY_DRAIN = 10.0  # seconds a one-off fetch waits for its notifications to go out
KEEP_UP_EVERY = 2.0  # seconds between two catch-ups of the site and replay index, at least
KEEP_UP_SHARE = 20  # ... and at least this many times what the last catch-up took (<= 5%)


async def fetch_once(
    config: Config,
    sources: Sequence[Source],
    *,
    force: bool = False,
    revisit: bool = False,
    progress: Progress | None = None,
    extractor: Extractor | None = None,
) -> list[SourceReport]:
    """Poll each source once; one source's failure never stops another."""
    stored = [0]

    def on_article(_: StoredArticle) -> None:
        stored[0] += 1
        if progress:
            progress.article()

    try:
        async with open_session(
            config, extractor=extractor, on_article=on_article, drain=NOTIFY_DRAIN
        ) as session:
            archive, pipeline = session.archive, session.pipeline
            done = asyncio.Event()
            catching_up = asyncio.create_task(keep_up(archive, config, lambda: stored[0], done))
            try:
                polls = (poll_one(pipeline, s, force=force, progress=progress) for s in sources)
                reports = list(await asyncio.gather(*polls))
                if revisit:
                    await revisit_all(pipeline, sources, reports, force=force)
            finally:
                done.set()
                await catching_up
            await asyncio.to_thread(rebuild_site, archive, config)
            await asyncio.to_thread(refresh_replay_index, archive.root, None, known_lines(archive))
            return reports
    finally:
        if progress:
            progress.close()


async def poll_one(
    pipeline: Pipeline, source: Source, *, force: bool, progress: Progress | None
) -> SourceReport:
    """One source's poll; an unexpected error is its report's error, never the others'."""
    try:
        return await pipeline.poll(source, force=force)
    except Exception as error:  # noqa: BLE001 - one source never stops the others
        event(log, logging.ERROR, source.name, source.url, f"unexpected error: {error!r}")
        report = SourceReport(source.name, source.url)
        report.error = f"unexpected error: {error!r}"[:300]
        return report
    finally:
        release_free_memory()  # a source's pages are done with: the heap shrinks
        if progress:
            progress.finished()


async def keep_up(
    archive: Archive, config: Config, stored: Callable[[], int], done: asyncio.Event
) -> None:
    """While a fetch runs, bring the browse site and the replay index up to date now and then.

    The archive can be browsed and replayed during a long fetch, and its end has only the last
    pages to add: sources polled together finish together (one politeness gap apart on every
    host), and a site and index built from nothing then would hold up the whole fetch's end.
    Catch-ups are spaced so they take at most 1/`KEEP_UP_SHARE` of the time.
    """
    seen, pause = 0, KEEP_UP_EVERY
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), pause)
        if done.is_set() or stored() == seen:
            continue
        seen, started = stored(), time.monotonic()
        await asyncio.to_thread(refresh_replay_index, archive.root, None, known_lines(archive))
        await asyncio.to_thread(rebuild_site, archive, config)
        pause = max(KEEP_UP_EVERY, KEEP_UP_SHARE * (time.monotonic() - started))


async def revisit_all(
    pipeline: Pipeline, sources: Sequence[Source], reports: list[SourceReport], *, force: bool
) -> None:
    """Fetch every archived article of these sources again (`scraper fetch --revisit`)."""
    by_name = {report.source: report for report in reports}
    gate = asyncio.Semaphore(16)

    async def one(source: Source, article: StoredArticle) -> None:
        async with gate:
            outcome = await pipeline.revisit(source, article, force=force)
        report = by_name[source.name]
        report.revisited += 1
        if outcome in {"major", "minor"}:
            report.updated += 1
        elif outcome.startswith("failed: "):
            reason = outcome.removeprefix("failed: ")
            kind = "blocked" if reason.startswith("blocked: ") else "failed"
            report.failures.append(Problem(article.url, reason, kind))

    jobs = [
        one(source, article)
        for source in sources
        for article in pipeline.store.iter_articles(source=source.name)
    ]
    await asyncio.gather(*jobs)


def rebuild_site(archive: Archive, config: Config) -> None:
    """Bring the browse site up to date; a failure is logged, never fatal to the fetch."""
    from scraper.outputs.site import build_site

    try:
        report = build_site(archive.store, config.archive.path, list(config.sources))
    except (ScraperError, OSError) as error:
        event(log, logging.ERROR, None, None, f"site update failed: {error}")
        return
    event(log, logging.INFO, None, None, report.summary())


def known_lines(archive: Archive) -> KnownLines | None:
    """The replay index lines this process's WARC writer kept of the records it wrote."""
    return archive.warc.index_lines if archive.warc is not None else None


def refresh_replay_index(
    root: Path, halt: Callable[[], bool] | None = None, known: KnownLines | None = None
) -> None:
    """Index the WARC bytes written since the last update (`known`: the lines this process's
    WARC writer kept of the bytes it wrote); a failure is logged, never fatal."""
    from scraper.store.cdxj import update_replay_index

    try:
        report = update_replay_index(root, halt, known)
    except (ScraperError, OSError) as error:
        event(log, logging.ERROR, None, None, f"replay index update failed: {error}")
        return
    for problem in report.errors:
        event(log, logging.ERROR, None, None, f"replay index: {problem}")
    if report.files:
        event(log, logging.INFO, None, None, report.summary())

"""`scraper run`: the background daemon that keeps the archive current.

One asyncio process; APScheduler (3.11, AsyncIOScheduler) holds one job per source, re-armed
after each poll at the time the pipeline chose (adaptive interval, backoff) plus jitter. State
lives in the index, so a restart resumes where it stopped. SIGINT/SIGTERM stop taking new work
and give in-flight polls a grace period; SIGHUP reloads the config.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scraper.clock import utcnow
from scraper.config.settings import Config, load_config
from scraper.errors import ScraperError
from scraper.logs import event
from scraper.models import Source, StoredArticle
from scraper.pipeline.core import Pipeline
from scraper.pipeline.schedule import jittered
from scraper.runners.extract_pool import Extractor
from scraper.runners.memory import release_free_memory
from scraper.runners.once import known_lines, rebuild_site, refresh_replay_index
from scraper.runners.page_queue import PageQueue
from scraper.runners.session import open_session
from scraper.store.archive import Archive, ArchiveLock
from scraper.store.cdxj import KnownLines

log = logging.getLogger("scraper.daemon")

REVISIT_TICK = 60  # seconds between looks for due revisits
REVISIT_BATCH = 200  # revisits started per look at most
SITE_TICK = 60  # seconds between browse-site updates, when something changed
PAGES_JOURNAL = ".pages-queued.jsonl"  # pages handed to the extraction stage, and their ends


class Daemon:
    """Polls every configured source on its schedule until told to stop."""

    def __init__(self, config: Config, config_path: Path | None = None) -> None:
        self.config = config
        self.config_path = config_path
        self.sources: dict[str, Source] = {s.name: s for s in config.sources}
        self._stop = asyncio.Event()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._gate = asyncio.Semaphore(config.daemon.concurrency)
        self._scheduler: AsyncIOScheduler | None = None
        self._pipeline: Pipeline | None = None
        self._pages: PageQueue | None = None
        self._site_build: asyncio.Future[None] | None = None
        self.polls = 0  # completed polls, for tests and status
        self._site_dirty = True
        self._again: set[str] = set()  # sources that came due while still being polled
        self._indexing: asyncio.Task[None] | None = None
        self._index_again = False
        self._known_lines: KnownLines | None = None  # the WARC writer's replay index lines

    # -- lifecycle --------------------------------------------------------------------------
    async def run(self) -> None:
        lock = ArchiveLock(self.config.archive.path)
        lock.acquire()
        extractor = Extractor()
        # Polls hand their fetched pages to the extraction stage and end.
        self._pages = PageQueue(
            lambda: self.sources,
            tasks=extractor.workers * 4,
            on_stored=self._index_soon,
            journal=self.config.archive.path / PAGES_JOURNAL,
        )
        try:
            async with open_session(
                self.config,
                extractor=extractor,
                handoff=self._pages,
                on_article=self._changed,
                on_version=lambda article, kind: self._changed(article),
                drain=self.config.daemon.grace_period / 2,
            ) as session:
                self._pipeline = session.pipeline
                self._known_lines = known_lines(session.archive)
                self._pages.start(session.pipeline)
                self._start_scheduler(session.archive)
                await self._stop.wait()
                await self._shut_down(self._pages)
        finally:
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
            extractor.close()
            lock.release()
            event(log, logging.INFO, None, None, "daemon stopped", polls=self.polls)

    def _start_scheduler(self, archive: Archive) -> None:
        """Arm every source's poll and the site and revisit ticks; stop on SIGINT/SIGTERM."""
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.start()
        self._install_signals()
        event(
            log,
            logging.INFO,
            None,
            None,
            "daemon started",
            archive=str(self.config.archive.path),
            sources=len(self.sources),
        )
        for source in self.sources.values():
            self._arm(source, self._due(source))
        ticks: list[tuple[Callable[..., Awaitable[None]], int, str, list[Archive]]] = [
            (self._update_site, SITE_TICK, "site", [archive]),
            (self._revisit_due, REVISIT_TICK, "revisits", []),
        ]
        for job, seconds, name, args in ticks:
            self._scheduler.add_job(
                job,
                "interval",
                seconds=seconds,
                id=name,
                next_run_time=utcnow(),
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
                args=args,
            )

    async def _shut_down(self, pages: PageQueue) -> None:
        """Polls first (the pages they hand over meanwhile are journaled), then the extraction
        stage gets what is left of the grace period: what it leaves is journaled and queued
        again at the next start; then the site and the replay index catch up."""
        stopping = time.monotonic()
        await self._drain()
        grace = self.config.daemon.grace_period - (time.monotonic() - stopping)
        await pages.stop(max(1.0, grace))
        if self._site_build is not None and not self._site_build.done():
            await asyncio.wait([self._site_build], timeout=self.config.daemon.grace_period)
        await self._final_index()

    def _changed(self, _: StoredArticle) -> None:
        self._site_dirty = True

    def stop(self) -> None:
        """Take no new work; in-flight polls get the grace period to finish."""
        if not self._stop.is_set():
            event(
                log,
                logging.INFO,
                None,
                None,
                "stopping: finishing in-flight polls",
                in_flight=len(self._running),
            )
            if self._scheduler is not None:
                self._scheduler.pause()
            self._stop.set()

    async def _drain(self) -> None:
        tasks = list(self._running.values())
        if not tasks:
            return
        done, pending = await asyncio.wait(tasks, timeout=self.config.daemon.grace_period)
        for task in pending:
            task.cancel()
        if pending:
            event(
                log,
                logging.WARNING,
                None,
                None,
                "abandoned in-flight polls after the grace "
                "period; they will be redone at next start",
                abandoned=len(pending),
            )
            await asyncio.gather(*pending, return_exceptions=True)

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop)
        loop.add_signal_handler(signal.SIGHUP, self.reload)

    # -- scheduling -------------------------------------------------------------------------
    def _due(self, source: Source) -> datetime:
        """When a source is next due: now if never polled, past due or its feed changed."""
        assert self._pipeline is not None
        state = self._pipeline.store.source_state(source.name)
        now = utcnow()
        if state.next_poll is None or state.configured_feed != source.url:
            return now
        return max(now, state.next_poll)

    def _arm(self, source: Source, when: datetime) -> None:
        if self._scheduler is None or self._stop.is_set():
            return
        # Two instances: a poll re-arms its source before it returns, and when the next poll
        # is due at once (the poll took longer than the interval), one instance would make
        # APScheduler skip that run, and a skipped date job never runs: the source went silent.
        # `_poll` itself never lets two polls of one source run together.
        self._scheduler.add_job(
            self._poll,
            "date",
            run_date=when,
            args=[source.name],
            id=source.name,
            replace_existing=True,
            coalesce=True,
            max_instances=2,
            misfire_grace_time=None,
        )

    async def _poll(self, name: str) -> None:
        source = self.sources.get(name)
        if source is None or self._stop.is_set():
            return
        if name in self._running:  # due again while its last poll finishes: poll right after
            self._again.add(name)
            return
        task = asyncio.current_task()
        assert task is not None and self._pipeline is not None
        self._running[name] = task
        try:
            async with self._gate:
                report = await self._pipeline.poll(source)
            self.polls += 1
            state = self._pipeline.store.source_state(name)
            if report.error is None:  # a failed poll was logged, with its reason, by the pipeline
                event(
                    log,
                    logging.INFO,
                    name,
                    report.feed_url,
                    report.summary(),
                    next_poll=state.next_poll.isoformat() if state.next_poll else None,
                )
            # (each page that failed was logged once, by the pipeline, as it failed)
            self._index_soon()
            nxt = state.next_poll or utcnow() + timedelta(seconds=source.interval)
            delay = max(0.0, (nxt - utcnow()).total_seconds())
            self._arm(
                source, utcnow() + timedelta(seconds=jittered(delay, self.config.daemon.jitter))
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the daemon outlives any one poll
            event(log, logging.ERROR, name, source.url, f"unexpected error: {error!r}")
            self._arm(source, utcnow() + timedelta(seconds=source.interval))
        finally:
            self._running.pop(name, None)
            if name in self._again:
                self._again.discard(name)
                current = self.sources.get(name)  # a reload may have removed or changed it
                if current is not None:
                    self._arm(current, utcnow())

    async def _update_site(self, archive: Archive) -> None:
        """Rebuild the browse site when polls changed something (at most once a tick)."""
        if self._site_dirty and not self._stop.is_set():
            self._site_dirty = False
            # Kept and shielded: the archive is closed at exit only once this thread is done.
            self._site_build = asyncio.ensure_future(
                asyncio.to_thread(rebuild_site, archive, self.config)
            )
            await asyncio.shield(self._site_build)
        release_free_memory()  # each tick: a daemon's memory stays flat, not at its peaks

    def _index_soon(self) -> None:
        """Bring the replay index up to date after a poll; polls finishing meanwhile are
        covered by one more pass, so at most one indexing thread runs."""
        if self._indexing is not None and not self._indexing.done():
            self._index_again = True
            return
        self._indexing = asyncio.create_task(self._index())

    async def _index(self) -> None:
        self._index_again = True
        while self._index_again and not self._stop.is_set():
            self._index_again = False
            await asyncio.to_thread(
                refresh_replay_index, self.config.archive.path, self._stop.is_set, self._known_lines
            )

    async def _final_index(self) -> None:
        """Index the last polls' records before exit, within half the grace period (a large
        backlog, e.g. an old archive's first index, goes on at the next start)."""
        if self._indexing is not None:
            await self._indexing
        deadline = time.monotonic() + self.config.daemon.grace_period / 2
        await asyncio.to_thread(
            refresh_replay_index,
            self.config.archive.path,
            lambda: time.monotonic() > deadline,
            self._known_lines,
        )

    async def _revisit_due(self) -> None:
        """Revisit the articles whose next scheduled revisit has come."""
        assert self._pipeline is not None
        pipeline = self._pipeline
        due = [
            a
            for a in pipeline.store.due_revisits(utcnow(), limit=REVISIT_BATCH)
            if a.source in self.sources
        ]
        if not due or self._stop.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        self._running["#revisits"] = task
        try:

            async def one(article: StoredArticle) -> None:
                async with self._gate:
                    if not self._stop.is_set():
                        await pipeline.revisit(self.sources[article.source], article)

            await asyncio.gather(*(one(article) for article in due))
            self._index_soon()
        except Exception as error:  # noqa: BLE001 - the daemon outlives any one revisit
            event(log, logging.ERROR, None, None, f"revisits failed: {error!r}")
        finally:
            self._running.pop("#revisits", None)

    # -- reload -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the config: sources added, removed or changed take effect now."""
        try:
            fresh = load_config(self.config_path)
        except ScraperError as error:
            event(
                log, logging.ERROR, None, None, f"reload refused, keeping the old config: {error}"
            )
            return
        old, new = self.sources, {s.name: s for s in fresh.sources}
        for name in old.keys() - new.keys():
            if self._scheduler is not None and self._scheduler.get_job(name):
                self._scheduler.remove_job(name)
            event(log, logging.INFO, name, old[name].url, "source removed")
        self.sources = new
        self.config = fresh
        for name, source in new.items():
            if old.get(name) != source:
                self._arm(source, self._due(source))
                event(
                    log,
                    logging.INFO,
                    name,
                    source.url,
                    "source added" if name not in old else "source changed",
                )


def run_daemon(config_path: Path | None) -> int:
    config = load_config(config_path)
    daemon_ = Daemon(config, config_path)
    asyncio.run(daemon_.run())
    return 0

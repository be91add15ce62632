"""What a worker's jobs run on: its pipeline, its database pool and the queue itself.

Each job is idempotent, so a job re-run after its worker died stores nothing twice: a poll
finds the articles it archived already (URL, GUID and canonical URL name an article; its row is
inserted `ON CONFLICT DO NOTHING`) and a revisit stores a version only when the text changed;
WARC payloads already written are recorded as revisit records (by content hash).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from procrastinate import App, exceptions
from procrastinate.jobs import Status
from psycopg_pool import AsyncConnectionPool

from scraper.clock import utcnow
from scraper.errors import ScraperError
from scraper.logs import event
from scraper.models import Source
from scraper.pipeline.core import Pipeline
from scraper.runners.cluster.claims import claim_due_revisits, claim_due_sources, ensure_sources
from scraper.runners.cluster.queue import NAMESPACE
from scraper.urls import host_of

log = logging.getLogger("scraper.worker")

TICK_BATCH = 1000  # sources claimed per tick at most
REVISIT_BATCH = 500  # revisits claimed per look at most
HEARTBEAT = 2.0  # seconds between a worker's heartbeats
STALLED_AFTER = 8.0  # a worker silent this long is dead; its `doing` jobs are taken back
RETRY_SOON = 30.0  # seconds: a poll broken by a lost connection (say) is tried again this soon
MAX_RECOVERIES = 3  # a job taken back from this many dead workers is failed, with the reason

RECORD_RECOVERY = """
INSERT INTO cluster_recoveries (job_id, task_name, attempts, last_error) VALUES (%s, %s, 1, %s)
ON CONFLICT (job_id) DO UPDATE SET attempts = cluster_recoveries.attempts + 1,
    last_error = excluded.last_error, at = now()
RETURNING attempts
"""
ARCHIVE_MARK = "SELECT coalesce(max(fetched_at)::text, '') FROM versions"  # changes with any store
READ_MARK = "SELECT value FROM cluster_marks WHERE name = 'site'"
SAVE_MARK = (
    "INSERT INTO cluster_marks (name, value) VALUES ('site', %s) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
FIRST_RUN = """
INSERT INTO cluster_marks (name, value) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE
SET value = excluded.value WHERE cluster_marks.value::bigint < excluded.value::bigint
RETURNING 1
"""
RESCHEDULE = (
    "UPDATE sources SET next_poll = now() + make_interval(secs => %s::float8) WHERE name = %s"
)


class Runtime:
    """Runs the queue's jobs for one worker process."""

    def __init__(
        self,
        app: App,
        pool: AsyncConnectionPool[Any],
        pipeline: Pipeline,
        sources: Sequence[Source],
        worker_id: str,
        build: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.pool = pool
        self.pipeline = pipeline
        self.sources = {s.name: s for s in sources}
        self.worker_id = worker_id
        self.build = build  # updates the browse site and the replay index (blocking)
        self.polls = 0
        self._building: asyncio.Future[None] | None = None

    # -- deferring ------------------------------------------------------------------------------
    async def _defer(self, task: str, lock_prefix: str, key: str, values: Sequence[str]) -> int:
        """Defer one job per value, in one batch; a value already queued is skipped."""
        deferrer = self.app.tasks[f"{NAMESPACE}:{task}"]
        jobs = [
            deferrer.configure(queueing_lock=f"{lock_prefix}:{value}").make_new_job(**{key: value})
            for value in values
        ]
        if not jobs:
            return 0
        try:
            await self.app.job_manager.batch_defer_jobs_async(jobs)
            return len(jobs)
        except exceptions.AlreadyEnqueued:
            deferred = 0
            for job in jobs:  # one of them is queued already: the others one by one
                try:
                    await self.app.job_manager.defer_job_async(job)
                    deferred += 1
                except exceptions.AlreadyEnqueued:
                    pass
            return deferred

    async def first_run(self, task: str, timestamp: int) -> bool:
        """Whether this periodic job's time is later than any run of its task so far (and is
        now the latest): a late scheduler's stale copy is skipped."""
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute(FIRST_RUN, (f"periodic:{task}", str(timestamp)))
            ).fetchone()
        event(
            log,
            logging.DEBUG,
            None,
            None,
            f"periodic {task} " + ("runs" if row else "skipped: ran already"),
            timestamp=timestamp,
            worker=self.worker_id,
        )
        return row is not None

    async def start(self) -> None:
        """Before taking jobs: this worker's sources have their rows (whoever runs the ticks)."""
        async with self.pool.connection() as conn:
            await ensure_sources(conn, list(self.sources.values()))

    async def reload(self, path: Path | None) -> None:
        """SIGHUP: read the config again; its sources added, removed or changed take effect now
        (other settings at the next start). A broken config is refused, the old one kept."""
        from scraper.config.settings import load_config

        try:
            fresh = await asyncio.to_thread(load_config, path)
            async with self.pool.connection() as conn:
                await ensure_sources(conn, list(fresh.sources))
        except Exception as error:  # noqa: BLE001 - a reload must never stop the worker
            event(
                log,
                logging.ERROR,
                None,
                None,
                "reload refused, keeping the old config: "
                + (str(error) if isinstance(error, ScraperError) else repr(error)),
            )
            return
        old, new = self.sources, {s.name: s for s in fresh.sources}
        self.sources = new
        for name in sorted(old.keys() - new.keys()):
            event(log, logging.INFO, name, old[name].url, "source removed")
        for name, source in sorted(new.items()):
            if old.get(name) != source:
                event(
                    log,
                    logging.INFO,
                    name,
                    source.url,
                    "source added" if name not in old else "source changed",
                )
        event(
            log,
            logging.INFO,
            None,
            None,
            "config reloaded (sources; other settings take effect at the next start)",
            sources=len(new),
            worker=self.worker_id,
        )

    # -- tasks ----------------------------------------------------------------------------------
    async def tick(self) -> None:
        async with self.pool.connection() as conn:
            names = await claim_due_sources(conn, list(self.sources.values()), TICK_BATCH)
        if names:
            deferred = await self._defer("poll", "poll", "source", names)
            event(log, logging.DEBUG, None, None, "tick", claimed=len(names), deferred=deferred)

    async def poll(self, name: str) -> None:
        source = self.sources.get(name)
        if source is None:
            event(log, logging.INFO, name, None, "not in this worker's config; poll dropped")
            return
        try:
            hold = self.pipeline.store.get_host_hold(host_of(source.url))
            if hold is not None and hold.until > utcnow():  # Retry-After: come back then
                await self._later(name, hold.until)
                return
            report = await self.pipeline.poll(source)
        except Exception as error:
            event(log, logging.ERROR, name, source.url, f"unexpected error: {error!r}")
            await self._reschedule(name, min(source.interval, RETRY_SOON))
            raise
        self.polls += 1
        if report.error is None:  # a failed poll was logged, with its reason, by the pipeline
            event(log, logging.INFO, name, report.feed_url, report.summary(), worker=self.worker_id)

    async def extract(self, name: str, page: dict[str, Any]) -> None:
        source = self.sources.get(name)
        url = page.get("url")
        if source is None:
            event(log, logging.INFO, name, url, "not in this worker's config; page dropped")
            return
        try:
            entry, exchange = await self.pipeline.read_handed_off(page)
        except ScraperError as error:  # the shared volume is not shared, say
            event(log, logging.ERROR, name, url, f"cannot read the fetched page: {error}")
            raise
        result = await self.pipeline.archive_handed_off(source, exchange, entry)
        if not isinstance(result, str):  # (a revisit logged its outcome)
            event(log, logging.DEBUG, name, url, result.summary(), worker=self.worker_id)

    async def _reschedule(self, name: str, delay: float) -> None:
        """After a poll that broke: due again in `delay` seconds, not when the claim ends."""
        try:
            async with self.pool.connection() as conn:
                await conn.execute(RESCHEDULE, (delay, name))
        except Exception as error:  # noqa: BLE001 - the claim's end brings it back anyway
            event(log, logging.WARNING, name, None, f"could not reschedule: {error!r}")

    async def _later(self, name: str, when: datetime) -> None:
        deferrer = self.app.tasks[f"{NAMESPACE}:poll"]
        try:
            await deferrer.configure(queueing_lock=f"poll:{name}", schedule_at=when).defer_async(
                source=name
            )
        except exceptions.AlreadyEnqueued:
            return
        event(
            log,
            logging.INFO,
            name,
            None,
            "host asked us to wait; poll re-queued",
            at=when.isoformat(),
        )

    async def claim_revisits(self) -> None:
        async with self.pool.connection() as conn:
            ids = await claim_due_revisits(conn, list(self.sources), REVISIT_BATCH)
        await self._defer("revisit", "revisit", "article", ids)

    async def revisit(self, article_id: str) -> None:
        article = self.pipeline.store.get_article(article_id)
        source = self.sources.get(article.source) if article else None
        if article is None or source is None:
            return
        await self.pipeline.revisit(source, article)

    async def update_site(self) -> None:
        """Run `build` (in a thread) when articles or versions were stored since it last ran."""
        if self.build is None:
            return
        async with self.pool.connection() as conn:
            mark = (await (await conn.execute(ARCHIVE_MARK)).fetchone() or ("",))[0]
            built = await (await conn.execute(READ_MARK)).fetchone()
        if built is not None and built[0] == mark:
            return
        # Shielded: a job cancelled at shutdown leaves its thread running; `settle` waits for
        # it before the archive (and the index's pool) is closed under it.
        self._building = asyncio.ensure_future(asyncio.to_thread(self.build))
        await asyncio.shield(self._building)
        async with self.pool.connection() as conn:
            await conn.execute(SAVE_MARK, (mark,))

    async def settle(self, timeout: float) -> None:
        """Wait (up to `timeout`) for a site build still running in its thread; write back the
        boilerplate this worker learned and has not saved yet."""
        if self._building is not None and not self._building.done():
            await asyncio.wait([self._building], timeout=timeout)
        self.pipeline.save_models()

    async def recover(self) -> None:
        """Retry the `doing` jobs of dead workers; fail a job after `MAX_RECOVERIES`."""
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER):
            assert job.id is not None
            reason = f"its worker (id {job.worker_id}) stopped heart-beating"
            async with self.pool.connection() as conn:
                cursor = await conn.execute(RECORD_RECOVERY, (job.id, job.task_name, reason))
                row = await cursor.fetchone()
            attempts = row[0] if row else 1
            what = f"{job.task_name} {job.task_kwargs}"
            if attempts > MAX_RECOVERIES:
                await manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)
                event(
                    log,
                    logging.ERROR,
                    None,
                    None,
                    f"job failed: {reason} {attempts - 1} times",
                    job=job.id,
                    task=what,
                )
                continue
            await manager.retry_job(job)
            event(
                log,
                logging.WARNING,
                None,
                None,
                f"job taken back: {reason}",
                job=job.id,
                task=what,
                attempt=attempts,
            )
        await manager.prune_stalled_workers(STALLED_AFTER)

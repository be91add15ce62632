"""`scraper worker`: one process serving the work queue, on any machine, against the `[index]`
PostgreSQL database.

It applies the queue's schema (idempotently), opens the archive (its WARC files carry the worker
id in their names, so workers sharing the archive volume never share a file), and runs a
procrastinate worker until SIGINT/SIGTERM, which stop it taking jobs and give those in flight
the daemon's grace period. Every worker also runs procrastinate's periodic scheduler; the
database defers each periodic job once, whichever worker asks first.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import procrastinate
import psycopg
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool

from scraper.config.settings import Config
from scraper.errors import ConfigError, StorageError
from scraper.logs import event
from scraper.runners.cluster import QUEUES
from scraper.runners.cluster.connector import ReconnectingConnector
from scraper.runners.cluster.leases import LEASE_MARGIN, ClusterLimiter
from scraper.runners.cluster.queue import NAMESPACE, ExtractJobs
from scraper.runners.cluster.runtime import HEARTBEAT, STALLED_AFTER, Runtime
from scraper.runners.cluster.schema import apply_schema
from scraper.runners.extract_pool import Extractor
from scraper.runners.once import known_lines, rebuild_site, refresh_replay_index
from scraper.runners.session import open_session
from scraper.store.archive import Archive
from scraper.store.pg_connection import LiveAsyncPool, connection_lost
from scraper.store.postgres import connect_kwargs, safe_url

log = logging.getLogger("scraper.worker")

FETCH_POLL = 1.0  # seconds between looks for jobs (LISTEN/NOTIFY wakes workers sooner)
POOL_SIZE = 4  # connections of our own (ticks, leases) per worker
WARM_UP = "<html><head><title>warm-up</title></head><body><p>Warm-up page.</p></body></html>"


def worker_id() -> str:
    """This worker's name: host and pid, as it appears in logs and WARC file names."""
    host = "".join(c if c.isalnum() or c == "-" else "-" for c in socket.gethostname())
    return f"{host or 'host'}-{os.getpid()}"


def parse_queues(text: str) -> tuple[str, ...]:
    """`poll,fetch,extract` -> the queue names, each one of `QUEUES`."""
    names = tuple(dict.fromkeys(q.strip() for q in text.split(",") if q.strip()))
    unknown = [q for q in names if q not in QUEUES]
    if not names or unknown:
        raise ValueError(f"expected queues among {','.join(QUEUES)}, got {text!r}")
    return names


def named_index(config: Config, name: str) -> Config:
    """The config with its PostgreSQL URL naming this worker, so each of its connections shows
    in `pg_stat_activity` as `scraper worker <id>` (unless the URL names itself already)."""
    url = config.index.url
    if not url or not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{config.file or 'config'}: [index] url: `scraper worker` needs a PostgreSQL index "
            '(url = "postgresql://..."); see Scaling out in the README'
        )
    if "application_name=" not in url:
        url += ("&" if "?" in url else "?") + "application_name=" + quote(f"scraper worker {name}")
    return replace(config, index=replace(config.index, url=url))


def conninfo(config: Config) -> str:
    """The libpq connection string of the config's index, its schema first on the path."""
    return make_conninfo(**connect_kwargs(config.index.url or "", config.index.schema))


def build_app(info: str) -> procrastinate.App:
    from scraper.runners.cluster.tasks import (
        blueprint,
    )  # (registering them logs: after run_worker's set-up)

    app = procrastinate.App(connector=ReconnectingConnector(conninfo=info))
    app.add_tasks_from(blueprint, namespace=NAMESPACE)
    return app


def prepare_database(info: str, label: str) -> None:
    """The queue's tables, created by whichever worker comes first."""
    try:
        with psycopg.connect(info, autocommit=True) as conn:
            if apply_schema(conn):
                event(log, logging.INFO, None, None, "work queue schema created")
    except psycopg.Error as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise StorageError(f"{label}: cannot prepare the work queue: {first}") from None


async def serve(
    config: Config,
    queues: Sequence[str] = QUEUES,
    concurrency: int | None = None,
    name: str | None = None,
) -> int:
    """Run one worker until stopped; returns the number of polls it ran."""
    name = name or worker_id()
    config = named_index(config, name)
    info = conninfo(config)
    archive = open_archive(config, info, name)
    app = build_app(info)
    pool: AsyncConnectionPool[Any] = LiveAsyncPool(
        info, min_size=1, max_size=POOL_SIZE, kwargs={"autocommit": True}, open=False
    )
    extractor = Extractor()
    http = config.http
    limiter = ClusterLimiter(
        pool,
        http.per_host_concurrency,
        http.per_host_delay,
        http.max_concurrency,
        lease_ttl=http.timeout + LEASE_MARGIN,
    )
    # Without the `extract` queue, pages go to the workers that serve it.
    handoff = None if "extract" in queues else ExtractJobs(app, pool)
    runtime: Runtime | None = None
    try:
        await pool.open(wait=True)
        async with open_session(
            config,
            archive=archive,
            extractor=extractor,
            handoff=handoff,
            limiter=limiter,
            drain=config.daemon.grace_period / 2,
        ) as session:
            runtime = Runtime(
                app,
                pool,
                session.pipeline,
                config.sources,
                name,
                build=lambda: build_site_and_index(archive, config),
            )
            await start(runtime, extractor, config, queues)
            await run_jobs(app, runtime, config, queues, concurrency, name)
    finally:
        if runtime is not None:
            await runtime.settle(config.daemon.grace_period)
        await pool.close()
        extractor.close()
        archive.close()
        polls = runtime.polls if runtime else 0
        stopped = {"polls": polls, "host_leases": limiter.granted, "lease_asks": limiter.asks}
        event(log, logging.INFO, None, None, "worker stopped", worker=name, **stopped)
    return runtime.polls if runtime else 0


def open_archive(config: Config, info: str, name: str) -> Archive:
    """The archive, its WARC files named after this worker, and the queue's tables ready."""
    archive = Archive(config, warc_prefix=f"scraper-{name}")  # also creates the index's tables
    try:
        prepare_database(info, safe_url(config.index.url or ""))
    except StorageError:
        archive.close()
        raise
    return archive


async def start(
    runtime: Runtime, extractor: Extractor, config: Config, queues: Sequence[str]
) -> None:
    """Start the runtime's periodic work, the extraction processes (for the `extract` queue)
    and the SIGHUP reload."""
    await runtime.start()
    if "extract" in queues:
        # The extraction processes start (and load their models) before the first job, not
        # inside it: a first poll would otherwise wait on them, its lease held.
        await extractor(WARM_UP, "http://localhost/warm-up")
    reload_on_hangup(runtime, config)
    where = {"queues": ",".join(queues), "archive": str(config.archive.path)}
    event(log, logging.INFO, None, None, "worker started", worker=runtime.worker_id, **where)


def reload_on_hangup(runtime: Runtime, config: Config) -> None:
    """SIGHUP, as for the daemon: the sources are read again."""
    reloads: set[asyncio.Task[None]] = set()

    def reload() -> None:
        task = asyncio.ensure_future(runtime.reload(config.file))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)


async def run_jobs(
    app: procrastinate.App,
    runtime: Runtime,
    config: Config,
    queues: Sequence[str],
    concurrency: int | None,
    name: str,
) -> None:
    """Run procrastinate's worker on `queues` until stopped; a lost database is one line."""
    try:
        async with app.open_async():
            await app.run_worker_async(
                queues=list(queues),
                concurrency=concurrency or config.daemon.concurrency,
                name=name,
                additional_context={"scraper": runtime},
                wait=True,
                update_heartbeat_interval=HEARTBEAT,
                stalled_worker_timeout=STALLED_AFTER,
                shutdown_graceful_timeout=config.daemon.grace_period,
                fetch_job_polling_interval=FETCH_POLL,
                delete_jobs="successful",
            )
    except procrastinate.exceptions.ConnectorException as error:
        if not connection_lost(error.__cause__):
            raise
        first = (str(error.__cause__).strip().splitlines() or ["gone"])[0]
        raise StorageError(
            f"{safe_url(config.index.url or '')}: the work queue lost its database: {first}"
        ) from None


def build_site_and_index(archive: Archive, config: Config) -> None:
    """The browse site and the replay index, as the daemon keeps them (failures are logged)."""
    rebuild_site(archive, config)
    refresh_replay_index(archive.root, None, known_lines(archive))


def run_worker(config: Config, queues: Sequence[str], concurrency: int | None) -> int:
    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # its per-job lines only with -vv
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
    asyncio.run(serve(config, queues, concurrency))
    return 0

"""`scraper worker`: several real worker processes on the real PostgreSQL server, polling the
local test sites (which record every request they see, with its start time)."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.conftest import write_config
from tests.corpus import load_pages
from tests.stores import POSTGRES_URL, postgres_schema
from tests.testsite import LoggedRequest, TestSite, publish_corpus

INTERVAL = 4.0  # every source's poll interval (kept fixed: min and max interval alike)
GAP = 0.15  # per-host minimum gap between request starts
PER_HOST = 2  # per-host requests in flight
ROOT = Path(__file__).resolve().parents[1]
TICK_RAN = re.compile(r"periodic tick runs timestamp=(\d+)")


def cluster_config(
    folder: Path,
    schema: str,
    sources: list[dict[str, Any]],
    *,
    index_url: str = POSTGRES_URL,
    interval: float = INTERVAL,
    **http: Any,
) -> Path:
    path = write_config(
        folder,
        sources,
        http={"per_host_delay": f"{GAP}s", "per_host_concurrency": PER_HOST, **http},
    )
    extra = (
        f'[index]\nurl = "{index_url}"\nschema = "{schema}"\n\n[daemon]\n'
        f'min_interval = "{interval:g}s"\nmax_interval = "{interval:g}s"\n'
        'grace_period = "5s"\n\n'
    )
    path.write_text(path.read_text().replace("[http]", extra + "[http]", 1))
    return path


class Workers:
    """`scraper worker` processes, each logging to its own file."""

    def __init__(self, config: Path, folder: Path, verbosity: str = "-v") -> None:
        self.config = config
        self.verbosity = verbosity
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "worker",
                "--config",
                str(self.config),
                self.verbosity,
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.procs.append(proc)
        return proc

    def log(self, index: int) -> str:
        return (self.folder / f"worker{index}.log").read_text(errors="replace")

    def wait_started(self, index: int, timeout: float = 30.0) -> None:
        wait_for(lambda: "worker started" in self.log(index), timeout, self.log(index))

    def stop(self) -> list[int | None]:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = []
        for proc in self.procs:
            try:
                codes.append(proc.wait(20))
            except subprocess.TimeoutExpired:
                proc.kill()
                codes.append(None)
        return codes


def wait_for(condition: Callable[[], bool], timeout: float, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s\n{what[-3000:]}")
        time.sleep(0.1)


def _holds(condition: Callable[[], bool]) -> bool:
    try:
        return condition()
    except psycopg.errors.UndefinedTable:  # the workers have not created the tables yet
        return False


def query(schema: str, sql: str, *params: Any, url: str = POSTGRES_URL) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, options=f"-csearch_path={schema}", autocommit=True) as db:
        cursor = db.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def starts(site: TestSite, path: str | None = None) -> list[float]:
    records: list[LoggedRequest] = site.requests if path is None else site.requests_to(path)
    return sorted(r.started for r in records)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.fixture
def schema() -> Iterator[str]:
    with postgres_schema() as name:
        yield name


@pytest.fixture
def sites() -> Iterator[list[TestSite]]:
    with ExitStack() as stack:
        yield [stack.enter_context(TestSite(f"127.0.0.{n}")) for n in (1, 2, 3)]


def test_three_workers_poll_each_due_source_once_per_interval_within_host_limits(
    tmp_path: Path, schema: str, sites: list[TestSite]
) -> None:
    pages = load_pages(24)
    if len(pages) < 24:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    sources = []
    for h, site in enumerate(sites):
        site.latency = 0.05  # every answer takes a little while: requests overlap
        for s in range(4):
            feed = f"/feed{s}.xml"
            chunk = pages[(h * 4 + s) * 2 : (h * 4 + s) * 2 + 2]
            publish_corpus(site, chunk, feed, prefix=f"/s{s}/")
            sources.append({"name": f"h{h}s{s}", "feed": site.url(feed), "interval": "4s"})
    sites[0].fault("/feed3.xml", "status", status=500)  # a failing source backs off
    names = [source["name"] for source in sources]
    workers = Workers(cluster_config(tmp_path, schema, sources), tmp_path, "-vv")
    began = time.monotonic()
    # The sites note each request's start from threads of this process: a short GIL switch
    # interval keeps those notes from lagging behind the requests (the gaps are measured).
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        for _ in range(3):
            workers.start()
        for index in range(3):
            workers.wait_started(index)
        polled_twice = (
            "SELECT count(*) FROM (SELECT 1 FROM polls GROUP BY source HAVING count(*) > 1) p"
        )
        wait_for(lambda: query(schema, polled_twice) == [(len(sources),)], 45, workers.log(0))
        time.sleep(1)  # (a third round may be under way: it must not overlap either)
    finally:
        sys.setswitchinterval(switch)
        codes = workers.stop()
    elapsed = time.monotonic() - began
    assert codes == [0, 0, 0], [workers.log(i)[-2000:] for i in range(3)]

    for site in sites:  # cluster-wide politeness, as each host saw it
        assert site.max_in_flight <= PER_HOST
        # (a start is noted when the site's thread has read the request: on a loaded machine a
        # few ms late, which shortens the gap after it; unlimited workers show gaps near 0)
        assert min(gaps(starts(site))) >= GAP - 0.03, (site.host, gaps(starts(site)))
    # Each source polled when due, and only once per interval: poll starts are kept to the
    # second, and a poll is due `INTERVAL` after the last one started (also kept to the second).
    starts_of = {
        name: [
            float(at)
            for (at,) in query(
                schema,
                "SELECT extract(epoch FROM at) FROM polls WHERE source = %s ORDER BY at",
                name,
            )
        ]
        for name in names
    }
    for name, polls in starts_of.items():
        assert len(polls) >= 2, (name, polls)
        assert min(gaps(polls)) >= INTERVAL - 1, (name, polls)
    for h, site in enumerate(sites):  # and the sites saw one feed request per poll
        for s in range(4):
            if (h, s) != (0, 3):  # (the failing one's retries are requests too)
                assert len(starts(site, f"/feed{s}.xml")) == len(starts_of[f"h{h}s{s}"])

    rows = query(
        schema, "SELECT count(*), count(DISTINCT url), coalesce(max(versions), 0) FROM articles"
    )
    assert rows == [(22, 22, 1)]  # 11 working sources x 2 pages, each stored once
    assert query(schema, "SELECT count(*) FROM versions") == [(22,)]
    folders = list((tmp_path / "archive").glob("127.0.0.*/*/*/*/*/article.md"))
    assert len(folders) == 22
    page_fetches = [r for site in sites for r in site.requests if r.path.startswith("/s")]
    assert len(page_fetches) == 22  # no page fetched twice: polls never overlapped

    # Each periodic tick ran once, on one worker, though three schedulers asked for it (-vv
    # logs each run; a lagging scheduler's stale copies are skipped, see scraper/runners/cluster/tasks).
    ticks = [int(t) for i in range(3) for t in TICK_RAN.findall(workers.log(i))]
    assert len(ticks) == len(set(ticks)), sorted(ticks)
    assert elapsed / 2 - 4 <= len(ticks) <= elapsed / 2 + 1, (len(ticks), elapsed)
    # Every lease was given back; every worker wrote WARC files of its own.
    assert query(schema, "SELECT count(*) FROM cluster_hosts WHERE leases != '{}'") == [(0,)]
    writers = {
        proc.pid
        for proc in workers.procs
        for path in (tmp_path / "archive" / "warc").glob("scraper-*.warc.gz")
        if f"-{proc.pid}-" in path.name
    }
    assert len(writers) >= 2  # the work was spread, each worker's records in its own files


def test_a_worker_killed_mid_poll_has_its_job_finished_by_another_within_15s(
    tmp_path: Path, schema: str, site: TestSite
) -> None:
    pages = load_pages(3)
    if len(pages) < 3:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    urls = publish_corpus(site, pages, "/feed.xml", prefix="/a/")
    slow = urls[0].removeprefix(site.url(""))
    slow = "/" + slow.lstrip("/")
    site.fault(slow, "latency", seconds=10.0)  # the first worker is killed while it waits
    config = cluster_config(
        tmp_path,
        schema,
        [{"name": "slow", "feed": site.url("/feed.xml"), "interval": "1h", "revisits": ["1s"]}],
        timeout="5s",
    )
    workers = Workers(config, tmp_path)
    try:
        first = workers.start()
        wait_for(lambda: bool(site.requests_to(slow)), 30, workers.log(0))
        workers.start()
        workers.wait_started(1)
        assert not query(schema, "SELECT 1 FROM polls"), "the poll ended before the kill"
        first.send_signal(signal.SIGKILL)
        first.wait(5)
        killed = time.monotonic()
        site.fault(slow, None)
        wait_for(lambda: query(schema, "SELECT count(*) FROM polls") == [(1,)], 15, workers.log(1))
        recovered = time.monotonic() - killed
        revisited = "SELECT count(*) FROM articles WHERE revisits > 0"  # each once, 1 s after
        wait_for(lambda: query(schema, revisited) == [(3,)], 15, workers.log(1))
    finally:
        codes = workers.stop()
    assert codes[1] == 0 and recovered <= 15
    assert query(
        schema, "SELECT count(*), count(DISTINCT url), max(versions), max(revisits) FROM articles"
    ) == [(3, 3, 1, 1)]
    assert query(schema, "SELECT count(*) FROM versions") == [(3,)]
    assert len(list((tmp_path / "archive").glob("127.0.0.1*/*/*/*/*/article.md"))) == 3
    taken = query(schema, "SELECT task_name, attempts FROM cluster_recoveries")
    assert ("scraper:poll", 1) in taken
    assert "job taken back" in workers.log(1)


def test_workers_reconnect_and_carry_on_when_their_database_connections_are_cut(
    tmp_path: Path, schema: str, site: TestSite
) -> None:
    """The server restarting, as each worker sees it: every connection of theirs dropped at
    once (only theirs: the server is shared with other work, so it is not restarted here)."""
    pages = load_pages(3)
    if len(pages) < 3:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    for n, page in enumerate(pages):
        publish_corpus(site, [page], f"/feed{n}.xml", prefix=f"/s{n}/")
    names = [f"s{n}" for n in range(3)]
    config = cluster_config(
        tmp_path,
        schema,
        [
            {"name": name, "feed": site.url(f"/feed{n}.xml"), "interval": "4s"}
            for n, name in enumerate(names)
        ],
    )
    workers = Workers(config, tmp_path)
    polled_ok = "SELECT count(DISTINCT source) FROM polls WHERE ok AND at > %s"
    try:
        procs = [workers.start(), workers.start()]
        wait_for(lambda: query(schema, polled_ok, "-infinity") == [(3,)], 30, workers.log(0))
        (cut,) = query(schema, "SELECT date_trunc('second', now()) + interval '1 second'")[0]
        dropped = query(
            schema,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
            "application_name = ANY(%s)",
            [f"scraper worker {n}" for n in (f"{socket.gethostname()}-{p.pid}" for p in procs)],
        )
        assert len(dropped) >= 4  # each worker's queue, listener, leases and index connections
        wait_for(
            lambda: query(schema, polled_ok, cut) == [(3,)], 25, workers.log(0) + workers.log(1)
        )
    finally:
        codes = workers.stop()
    assert codes == [0, 0], workers.log(0)[-2000:] + workers.log(1)[-2000:]
    assert query(schema, "SELECT count(*), max(versions) FROM articles") == [(3, 1)]


def test_worker_without_a_postgresql_index_says_so_in_one_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, [{"name": "a", "feed": "http://127.0.0.1:9/feed.xml"}])
    result = cli("worker", "--config", str(config))
    assert result.code == 2
    assert result.err.count("\n") == 1 and "needs a PostgreSQL index" in result.err
    assert not (tmp_path / "archive").exists()  # nothing written


def test_worker_refuses_an_unknown_queue(tmp_path: Path, cli, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, [{"name": "a", "feed": "http://127.0.0.1:9/feed.xml"}])
    with pytest.raises(SystemExit) as exit_:
        cli("worker", "--config", str(config), "--queues", "poll,crawl")
    assert (
        exit_.value.code == 2
        and "expected queues among poll,fetch,extract" in capsys.readouterr().err
    )


async def test_site_is_built_again_only_after_the_archive_changed(schema: str) -> None:
    from psycopg.conninfo import make_conninfo
    from psycopg_pool import AsyncConnectionPool

    from scraper.runners.cluster.runtime import Runtime
    from scraper.runners.cluster.schema import apply_schema
    from scraper.store.postgres import PostgresStore, connect_kwargs

    PostgresStore(POSTGRES_URL, schema=schema).close()  # the index's tables
    info = make_conninfo(**connect_kwargs(POSTGRES_URL, schema))
    with psycopg.connect(info, autocommit=True) as conn:
        apply_schema(conn)
        assert not apply_schema(conn)  # a second worker finds it done
    builds: list[int] = []
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        info, kwargs={"autocommit": True}, open=False
    )
    await pool.open()
    try:
        runtime = Runtime(None, pool, None, [], "test", build=lambda: builds.append(1))  # type: ignore[arg-type]
        await runtime.update_site()
        await runtime.update_site()
        assert builds == [1]  # built once, then nothing changed
        query(schema, "UPDATE cluster_marks SET value = 'an older archive'")
        await runtime.update_site()
        assert builds == [1, 1]
    finally:
        await pool.close()


async def open_pool(schema: str) -> Any:
    """An autocommit pool on the schema, with the index's and the queue's tables in it."""
    from psycopg.conninfo import make_conninfo
    from psycopg_pool import AsyncConnectionPool

    from scraper.runners.cluster.schema import apply_schema
    from scraper.store.postgres import PostgresStore, connect_kwargs

    PostgresStore(POSTGRES_URL, schema=schema).close()
    info = make_conninfo(**connect_kwargs(POSTGRES_URL, schema))
    with psycopg.connect(info, autocommit=True) as conn:
        apply_schema(conn)
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        info, kwargs={"autocommit": True}, open=False
    )
    await pool.open()
    return pool


async def test_a_dead_workers_host_lease_expires_and_frees_the_host(schema: str) -> None:
    from scraper.runners.cluster.leases import ClusterLimiter

    pool = await open_pool(schema)
    try:
        dead = ClusterLimiter(pool, per_host=1, delay=0.0, lease_ttl=1.0)
        await dead._acquire("news.example", "a-worker-killed-mid-request")  # never released
        alive = ClusterLimiter(pool, per_host=1, delay=0.0, lease_ttl=1.0)
        start = time.monotonic()
        async with asyncio.timeout(5), alive.slot("news.example") as sent:
            waited = time.monotonic() - start
            sent()
        assert 0.7 <= waited <= 3.0  # refused until the dead one's lease ran out
        rows = query(schema, "SELECT leases FROM cluster_hosts")
        assert rows == [({},)]  # the expired lease went with the next grant; ours was returned
    finally:
        await pool.close()


async def test_a_poll_whose_host_asked_to_wait_is_queued_again_for_then(schema: str) -> None:
    from datetime import timedelta
    from types import SimpleNamespace

    from psycopg.conninfo import make_conninfo

    from scraper.clock import utcnow
    from scraper.models import Source
    from scraper.runners.cluster.runtime import Runtime
    from scraper.runners.cluster.worker import build_app
    from scraper.store.base import HostHold
    from scraper.store.postgres import PostgresStore, connect_kwargs

    pool = await open_pool(schema)
    store = PostgresStore(POSTGRES_URL, schema=schema)
    until = (utcnow() + timedelta(minutes=5)).replace(microsecond=0)
    store.set_host_hold(HostHold("news.example", until, "HTTP 429"))
    app = build_app(make_conninfo(**connect_kwargs(POSTGRES_URL, schema)))
    try:
        async with app.open_async():
            source = Source("busy", feed="https://news.example/feed.xml")
            pipeline = SimpleNamespace(store=store)  # the poll must not start: no fetcher at all
            runtime = Runtime(app, pool, pipeline, [source], "test")  # type: ignore[arg-type]
            await runtime.poll("busy")
            await runtime.poll("busy")  # asked again meanwhile: still one job waiting
        jobs = query(
            schema,
            "SELECT task_name, args, queueing_lock, status, scheduled_at FROM procrastinate_jobs",
        )
        assert jobs == [("scraper:poll", {"source": "busy"}, "poll:busy", "todo", until)]
        assert runtime.polls == 0
    finally:
        store.close()
        await pool.close()


def extraction_processes(pid: int) -> list[int]:
    """The forkserver and extraction workers started by the process `pid`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(stat[1]) == pid and b"forkserver" in cmdline:
            found.append(int(proc.name))
    return found


def test_pages_a_poll_worker_fetched_are_extracted_and_stored_by_the_extract_tier(
    tmp_path: Path, schema: str, sites: list[TestSite]
) -> None:
    pages = load_pages(4)
    if len(pages) < 4:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    site = sites[0]
    # The same pages under two sources: the second copy of each is a WARC revisit record
    # (identical payload), whose bytes are not in its own record: they travel in the job.
    urls = publish_corpus(site, pages, "/a.xml", prefix="/a/")
    urls += publish_corpus(site, pages, "/b.xml", prefix="/b/")
    sources = [
        {"name": "a", "feed": site.url("/a.xml"), "interval": "4s", "revisits": ["2s"]},
        {"name": "b", "feed": site.url("/b.xml"), "interval": "4s"},
    ]
    edited = urlsplit(urls[0]).path  # changed after its first fetch: a revisit
    workers = Workers(cluster_config(tmp_path, schema, sources), tmp_path)
    poller = workers.start("--queues", "poll,fetch")
    workers.start("--queues", "extract")
    try:
        workers.wait_started(0)
        workers.wait_started(1)
        wait_for(lambda: len(site.requests_to(edited)) > 0, 60, workers.log(0))
        site.add(edited, pages[0].html.replace(" the ", " the edited "))  # every sentence
        wait_for(
            lambda: query(schema, "SELECT count(*) FROM articles")[0][0] == len(urls),
            60,
            workers.log(0) + workers.log(1),
        )
        versions = "SELECT versions FROM articles WHERE url = %s"
        wait_for(lambda: query(schema, versions, urls[0]) == [(2,)], 30, workers.log(1))
        assert extraction_processes(poller.pid) == []  # the poll tier never extracts
    finally:
        codes = workers.stop()
    assert codes == [0, 0]
    rows = query(schema, "SELECT url, length(text) FROM articles")
    assert sorted(url for url, _ in rows) == sorted(urls)
    assert all(length > 200 for _, length in rows)  # real bodies, from the WARC bytes
    polled, extracted = workers.log(0), workers.log(1)
    assert "queued for extraction" in polled and " archived id=" not in polled
    assert "revisited: queued for extraction" in polled and "revisited: major" in extracted
    assert extracted.count(" archived id=") == len(urls)
    assert "Traceback" not in polled + extracted
    from warcio.archiveiterator import ArchiveIterator

    inline = set()  # pages whose bytes were in an earlier record: they came in the job
    for path in (tmp_path / "archive" / "warc").glob("*.warc.gz"):
        with path.open("rb") as handle:
            inline |= {
                PurePosixPath(r.rec_headers.get_header("WARC-Target-URI")).name
                for r in ArchiveIterator(handle)
                if r.rec_type == "revisit"
            }
    assert {PurePosixPath(url).name for url in urls} <= inline
    fetches = Counter(r.path for r in site.requests if r.path.startswith(("/a/", "/b/")))
    assert fetches[edited] >= 2 and max(n for p, n in fetches.items() if p.startswith("/b/")) == 1


def test_a_worker_reads_its_sources_again_on_sighup_and_keeps_them_on_a_broken_config(
    tmp_path: Path, schema: str, site: TestSite
) -> None:
    pages = load_pages(2)
    if len(pages) < 2:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    publish_corpus(site, pages[:1], "/one.xml", prefix="/one/")
    publish_corpus(site, pages[1:], "/two.xml", prefix="/two/")
    one = {"name": "one", "feed": site.url("/one.xml"), "interval": "4s"}
    two = {"name": "two", "feed": site.url("/two.xml"), "interval": "4s"}
    config = cluster_config(tmp_path, schema, [one])
    workers = Workers(config, tmp_path)
    proc = workers.start()
    count = "SELECT count(*) FROM articles"
    try:
        workers.wait_started(0)
        wait_for(lambda: query(schema, count) == [(1,)], 30, workers.log(0))
        good = config.read_text()
        config.write_text(good + "\n[[sources]]\nname = 'broken\n")
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "reload refused" in workers.log(0), 10, workers.log(0))
        assert cluster_config(tmp_path, schema, [one, two]) == config
        proc.send_signal(signal.SIGHUP)
        wait_for(lambda: query(schema, count) == [(2,)], 30, workers.log(0))
        assert proc.poll() is None
    finally:
        codes = workers.stop()
    assert codes == [0]
    log = workers.log(0)
    assert "source added" in log and "config reloaded" in log and "Traceback" not in log

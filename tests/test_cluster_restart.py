"""PostgreSQL restarted under running `scraper worker` processes: a private server of the test's
own (`tests/pgserver.py`; the shared one is never restarted) goes away for a few seconds while
the workers poll the local test site, then comes back."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from procrastinate import exceptions

from scraper.runners.cluster.connector import ReconnectingConnector
from tests.corpus import CorpusPage, load_pages
from tests.pgserver import PrivateServer, private_postgres
from tests.test_cluster import Workers, cluster_config, query, wait_for
from tests.testsite import TestSite, publish_corpus

SCHEMA = "scraper"
SOURCES = 3
OUTAGE = 3.0  # seconds the server is down: longer than a reconnect, shorter than STALLED_AFTER
SLOW = 5.0  # seconds one article page takes to answer: its poll is in flight across the outage
LOGGED = re.compile(r"^(\S+Z) (?:WARNING|ERROR) +(s\d+) .*$", re.MULTILINE)  # about a source


def source_problems(log: str, since: datetime) -> list[str]:
    """The warnings and errors about a source logged after `since` (logs are to the second)."""
    mark = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [found.group(0) for found in LOGGED.finditer(log) if found.group(1) > mark]


@pytest.fixture
def server() -> Iterator[PrivateServer]:
    with private_postgres() as pg:
        yield pg


def test_workers_outlive_a_postgresql_restart_and_archive_every_article_once(
    tmp_path: Path, server: PrivateServer, site: TestSite, cli
) -> None:  # type: ignore[no-untyped-def]
    pages = load_pages(3 * SOURCES)
    if len(pages) < 3 * SOURCES:
        pytest.skip("the shared article corpus (../shared/corpora) is absent")
    before, during, after = (pages[i * SOURCES : (i + 1) * SOURCES] for i in range(3))
    feeds: list[list[CorpusPage]] = [[] for _ in range(SOURCES)]

    def publish(batch: list[CorpusPage]) -> None:
        for n, page in enumerate(batch):  # one more article in each feed, newest first
            feeds[n].insert(0, page)
            publish_corpus(site, feeds[n], f"/feed{n}.xml", prefix=f"/s{n}/")

    def sql(text: str, *params: object) -> list[tuple[object, ...]]:
        return query(SCHEMA, text, *params, url=server.url)

    def archived() -> int:
        return int(sql("SELECT count(*) FROM articles")[0][0])  # type: ignore[call-overload]

    publish(before)
    sources = [
        {"name": f"s{n}", "feed": site.url(f"/feed{n}.xml"), "interval": "2s"}
        for n in range(SOURCES)
    ]
    config = cluster_config(tmp_path, SCHEMA, sources, index_url=server.url, interval=2.0)
    workers = Workers(config, tmp_path)

    def logs() -> str:
        return "\n".join(workers.log(i) for i in range(len(workers.procs)))

    try:
        procs = [workers.start(), workers.start()]
        wait_for(lambda: archived() == SOURCES, 40, logs())
        slow = f"/s0/{during[0].id[:12]}.html"
        site.fault(slow, "latency", seconds=SLOW)
        publish(during)  # the next polls find them; one page answers slowly
        wait_for(lambda: bool(site.requests_to(slow)), 15, logs())
        server.stop("fast")  # every session ended, mid-poll
        time.sleep(OUTAGE)
        assert all(proc.poll() is None for proc in procs), logs()
        server.start()
        (back,) = sql("SELECT date_trunc('second', now())")[0]
        publish(after)
        polled_after = "SELECT count(DISTINCT source) FROM polls WHERE ok AND at > %s"
        wait_for(
            lambda: archived() == 3 * SOURCES and sql(polled_after, back) == [(SOURCES,)],
            40,
            logs() + server.log(),
        )
        names = [f"scraper worker {socket.gethostname()}-{proc.pid}" for proc in procs]
        connected = sql(
            "SELECT DISTINCT application_name FROM pg_stat_activity "
            "WHERE application_name = ANY(%s)",
            names,
        )
        assert sorted(connected) == sorted((name,) for name in names)  # both reconnected
        assert all(proc.poll() is None for proc in procs), logs()
    finally:
        codes = workers.stop()
    assert codes == [0, 0], logs()
    assert not source_problems(logs(), back)  # once it was back, no poll or page failed
    assert sql("SELECT count(*), count(DISTINCT url), max(versions) FROM articles") == [
        (3 * SOURCES, 3 * SOURCES, 1)
    ]
    assert sql("SELECT count(*) FROM versions") == [(3 * SOURCES,)]
    assert len(list((tmp_path / "archive").glob("127.0.0.1*/*/*/*/*/article.md"))) == 3 * SOURCES
    assert sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'") == [(0,)]
    result = cli("verify", "--config", str(config))
    assert result.code == 0, result.out + result.err


async def restart_in_background(server: PrivateServer, outage: float) -> asyncio.Future[None]:
    """Stop the server now; start it again `outage` seconds later (in a thread)."""
    server.stop("fast")
    return asyncio.get_running_loop().run_in_executor(
        None, lambda: (time.sleep(outage), server.start())[-1]
    )


async def test_a_queue_statement_waits_out_a_restart_longer_than_its_pools_timeout(
    server: PrivateServer,
) -> None:
    connector = ReconnectingConnector(conninfo=server.url, timeout=0.5)  # the pool waits 0.5 s
    await connector.open_async()
    try:
        restarted = await restart_in_background(server, 2.0)
        began = time.monotonic()
        assert await connector.execute_query_one_async("SELECT 2 AS two") == {"two": 2}
        assert time.monotonic() - began >= 1.5  # it waited for the server
        await restarted
    finally:
        await connector.close_async()


async def test_a_queue_statement_gives_up_when_the_server_stays_away(
    server: PrivateServer,
) -> None:
    connector = ReconnectingConnector(conninfo=server.url, timeout=0.5, retry_for=1.0)
    await connector.open_async()
    try:
        server.stop("fast")
        began = time.monotonic()
        with pytest.raises(exceptions.ConnectorException):
            await connector.execute_query_one_async("SELECT 1 AS one")
        assert 1.0 <= time.monotonic() - began <= 5.0
    finally:
        await connector.close_async()


async def test_the_queue_listener_reconnects_after_a_restart(server: PrivateServer) -> None:
    connector = ReconnectingConnector(conninfo=server.url)
    await connector.open_async()
    heard: list[str] = []

    async def note(*, channel: str, payload: str) -> None:
        heard.append(payload)

    async def notify_until_heard(payload: str) -> None:
        while payload not in heard:
            await connector.execute_query_async(f"NOTIFY scraper_test, '{payload}'")  # type: ignore[arg-type]
            await asyncio.sleep(0.1)

    listener = asyncio.ensure_future(connector.listen_notify(note, ["scraper_test"]))
    try:
        await asyncio.wait_for(notify_until_heard("before"), 10)
        await (await restart_in_background(server, 2.0))  # down for 2 s: reconnects fail
        await asyncio.wait_for(notify_until_heard("after"), 15)
        assert not listener.done()
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await connector.close_async()

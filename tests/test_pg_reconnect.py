"""`PostgresStore` after its server connections were lost: as after a restart, every pooled
connection is cut (`pg_terminate_backend`, only this test's: the server is shared), and the next
operations must succeed rather than each dead connection failing one."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime

import psycopg
import pytest

from scraper.store.base import SourceState
from scraper.store.postgres import PostgresStore
from tests.stores import POSTGRES_URL, postgres_schema


@pytest.fixture
def store() -> Iterator[PostgresStore]:
    with postgres_schema() as schema:
        # Its own application name, so that only its connections are cut.
        opened = PostgresStore(f"{POSTGRES_URL}?application_name={schema}", schema=schema)
        try:
            yield opened
        finally:
            opened.close()


def backends(store: PostgresStore, waiting: bool = False) -> list[int]:
    """The server processes of the store's connections (only those waiting on a lock)."""
    sql = "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
    sql += " AND wait_event_type = 'Lock'" if waiting else ""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        return [pid for (pid,) in admin.execute(sql, (store.schema,)).fetchall()]


def cut(pids: list[int]) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def wait_until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_every_operation_after_the_servers_connections_were_cut_succeeds(
    store: PostgresStore,
) -> None:
    with ExitStack() as held:  # four connections in the pool at once
        for _ in range(4):
            held.enter_context(store.connection())
    pooled = backends(store)
    assert len(pooled) == 4
    cut(pooled)
    wait_until(lambda: not backends(store))

    now = datetime.now(UTC).replace(microsecond=0)
    began = time.monotonic()
    store.save_source_state(SourceState("a", last_poll=now))  # a write, in a transaction
    # (the dead ones were all replaced at once: psycopg_pool would check them one by one,
    # sleeping 1, 2 and 4 s in between)
    assert time.monotonic() - began < 2.0
    assert store.source_state("a").last_poll == now  # a read
    store.set_validators("https://news.example/feed.xml", '"v1"', None)
    assert len(store.dedupe_engine().index) == 0  # the dedupe index borrows the store's pool
    assert store.get_validators("https://news.example/feed.xml") == ('"v1"', None)
    assert not set(backends(store)) & set(pooled)  # each dead one was replaced


def test_a_read_cut_by_a_lost_connection_mid_query_is_read_again(store: PostgresStore) -> None:
    store.save_source_state(SourceState("a"))
    found: list[object] = []
    with psycopg.connect(POSTGRES_URL, options=f"-csearch_path={store.schema}") as locker:
        locker.execute("LOCK TABLE sources IN ACCESS EXCLUSIVE MODE")  # the read waits on it
        reader = threading.Thread(target=lambda: found.append(store.source_states()))
        reader.start()
        wait_until(lambda: len(backends(store, waiting=True)) == 1)
        first = backends(store, waiting=True)
        cut(first)  # the read's connection is lost while it waits
        wait_until(lambda: backends(store, waiting=True) not in ([], first))  # read again
        locker.commit()
    reader.join(10)
    assert [state.name for state in found[0]] == ["a"]  # type: ignore[attr-defined]

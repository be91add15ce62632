"""The two index backends for tests: SQLite in a temporary folder, PostgreSQL in a fresh schema.

PostgreSQL is the server `$SCRAPER_TEST_POSTGRES` names (default: the local one, trust auth).
Each test gets its own schema, dropped at its end. When the server cannot be reached the test
is skipped with one reason line; under CI (`CI=true`) that is a failure instead, so a CI run can
never pass without having tested PostgreSQL.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from scraper.store.base import Store
from scraper.store.postgres import PostgresStore
from scraper.store.sqlite import SQLiteStore

POSTGRES_URL = os.environ.get("SCRAPER_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")
UNREACHABLE = "PostgreSQL not reachable at"  # how every such skip begins (see conftest)


@functools.cache
def _unreachable() -> str | None:
    """Why the test server cannot be used, or None when it can."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        return (str(error).strip().splitlines() or ["unreachable"])[0]
    return None


def require_postgres() -> str:
    """The test server's URL; the test is skipped (failed under CI) when it is unreachable."""
    reason = _unreachable()
    if reason is not None:
        message = f"{UNREACHABLE} {POSTGRES_URL} ($SCRAPER_TEST_POSTGRES): {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    return POSTGRES_URL


def _drop(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A schema name of its own on the test server (created by the store), dropped after."""
    require_postgres()
    schema = f"scraper_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        yield schema
    finally:
        _drop(schema)


def reopen(store: Store) -> Store:
    """Another handle on the same index, as a second process would open it."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path.parent)
    assert isinstance(store, PostgresStore)
    return PostgresStore(store.url, schema=store.schema)


@contextmanager
def open_backend(kind: str, folder: Path) -> Iterator[Store]:
    """A fresh, empty index of the given kind."""
    if kind == "sqlite":
        store: Store = SQLiteStore(folder)
        try:
            yield store
        finally:
            store.close()
        return
    with postgres_schema() as schema:
        store = PostgresStore(POSTGRES_URL, schema=schema)
        try:
            yield store
        finally:
            store.close()

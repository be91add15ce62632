"""The work queue's tables: procrastinate's own, and ours (host leases, recovery counts).

Applied at worker start by whichever worker comes first, under an advisory lock, so any number
of workers may start at once; procrastinate's schema is applied only where it is absent.
"""

from __future__ import annotations

from typing import Any

import psycopg
from procrastinate.schema import SchemaManager

SCHEMA_LOCK = 0x5C0A_C1A5  # pg_advisory_lock key: one worker applies the schema at a time

OUR_TABLES = """
CREATE TABLE IF NOT EXISTS cluster_hosts (
    host TEXT COLLATE "C" PRIMARY KEY,
    leases JSONB NOT NULL DEFAULT '{}',          -- lease token -> expiry (epoch seconds)
    next_start TIMESTAMPTZ NOT NULL DEFAULT '-infinity'  -- no request to the host before
);
CREATE TABLE IF NOT EXISTS cluster_recoveries (
    job_id BIGINT PRIMARY KEY,                   -- a procrastinate job left in `doing`
    task_name TEXT NOT NULL,
    attempts INTEGER NOT NULL,                   -- how often it was taken back from a dead worker
    last_error TEXT,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS cluster_marks (
    name TEXT PRIMARY KEY,                       -- e.g. 'site': the archive as last built
    value TEXT NOT NULL
);
"""


def apply_schema(conn: psycopg.Connection[Any]) -> bool:
    """Create what is missing (on an autocommit connection); True when procrastinate's schema
    was applied now."""
    conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        applied = False
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
            with conn.transaction():
                conn.execute(SchemaManager.get_schema())
            applied = True
        conn.execute(OUR_TABLES)
        return applied
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))

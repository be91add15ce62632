"""Claiming due work for the queue: sources due a poll, articles due a revisit.

A claim is one statement: the due rows are locked `FOR UPDATE SKIP LOCKED` (two ticks never
claim the same row) and their due time is pushed out provisionally (`CLAIM_HOLD`), so a source
whose poll job is queued or running is not claimed again; the poll itself then writes the real
next time. If the job is lost for good, the source comes due again when the hold ends. A source
whose configured feed changed is due at once and starts afresh (no followed redirect, not
disabled), as the daemon treats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import AsyncConnection

from scraper.models import Source

CLAIM_HOLD = 600.0  # seconds a claimed source or revisit stays claimed without its job finishing

ENSURE_SOURCES = "INSERT INTO sources (name) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING"
CLAIM_SOURCES = """
WITH configured AS (
    SELECT * FROM unnest(%(names)s::text[], %(feeds)s::text[]) AS c(name, feed)
), due AS (
    SELECT s.name, c.feed, s.configured_feed IS DISTINCT FROM c.feed AS changed
    FROM sources s JOIN configured c ON c.name = s.name
    WHERE s.configured_feed IS DISTINCT FROM c.feed
       OR (s.disabled IS NULL AND (s.next_poll IS NULL OR s.next_poll <= now()))
    ORDER BY s.next_poll NULLS FIRST
    LIMIT %(limit)s
    FOR UPDATE OF s SKIP LOCKED
)
UPDATE sources s SET next_poll = now() + make_interval(secs => %(hold)s::float8),
    configured_feed = due.feed,
    feed_url = CASE WHEN due.changed THEN NULL ELSE s.feed_url END,
    disabled = CASE WHEN due.changed THEN NULL ELSE s.disabled END
FROM due WHERE s.name = due.name
RETURNING s.name
"""
CLAIM_REVISITS = """
WITH due AS (
    SELECT id FROM articles
    WHERE next_revisit <= now() AND source = ANY(%(names)s::text[])
    ORDER BY next_revisit
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE articles a SET next_revisit = now() + make_interval(secs => %(hold)s::float8)
FROM due WHERE a.id = due.id
RETURNING a.id
"""


async def ensure_sources(conn: AsyncConnection[Any], sources: Sequence[Source]) -> None:
    """Give the sources never seen before their row (due at once), as a worker starts."""
    await conn.execute(ENSURE_SOURCES, ([s.name for s in sources],))


async def claim_due_sources(
    conn: AsyncConnection[Any], sources: Sequence[Source], limit: int, hold: float = CLAIM_HOLD
) -> list[str]:
    """The names of up to `limit` configured sources due a poll, now claimed."""
    names = [s.name for s in sources]
    async with conn.transaction():
        cursor = await conn.execute(
            CLAIM_SOURCES,
            {"names": names, "feeds": [s.url for s in sources], "limit": limit, "hold": hold},
        )
        return [row[0] for row in await cursor.fetchall()]


async def claim_due_revisits(
    conn: AsyncConnection[Any], sources: Sequence[str], limit: int, hold: float = CLAIM_HOLD
) -> list[str]:
    """The ids of up to `limit` articles of these sources due a revisit, now claimed."""
    async with conn.transaction():
        cursor = await conn.execute(
            CLAIM_REVISITS, {"names": list(sources), "limit": limit, "hold": hold}
        )
        return [row[0] for row in await cursor.fetchall()]

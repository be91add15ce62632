"""Cluster-wide politeness: per-host request leases kept in the database.

Every worker asks the `cluster_hosts` row of a host for a lease before each request, with one
`INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING` that the row lock serialises: granted
only while fewer than `per_host` unexpired leases are out and `next_start` has passed. A granted
lease pushes `next_start` out by the lease's lifetime until the request is on the wire; then it
becomes "sent + delay", as the in-process `HostLimiter` does. Leases expire (the request timeout
plus a margin), so a worker killed mid-request frees its host on its own. Retry-After holds
are the index's `host_holds`, shared already. A refused lease is never waited for while
holding one: the asker sleeps until `next_start` (at most a short poll) and asks again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from scraper.errors import TransientFetchError
from scraper.fetch.politeness import HostLimiter
from scraper.logs import event

log = logging.getLogger("scraper.cluster")

LIVE = "(SELECT count(*) FROM jsonb_each(h.leases) AS e(k, v) WHERE (v #>> '{{}}')::float8 > {now})"
NOW = "extract(epoch FROM clock_timestamp())"
ACQUIRE = (
    "INSERT INTO cluster_hosts AS h (host, leases, next_start) "
    f"VALUES (%(host)s, jsonb_build_object(%(token)s::text, {NOW} + %(ttl)s), "
    "clock_timestamp() + make_interval(secs => %(ttl)s::float8)) "
    "ON CONFLICT (host) DO UPDATE SET "
    "leases = (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(h.leases) AS e(k, v) "
    f"WHERE (v #>> '{{}}')::float8 > {NOW}) || jsonb_build_object(%(token)s::text, {NOW} + %(ttl)s), "
    "next_start = clock_timestamp() + make_interval(secs => %(ttl)s::float8) "
    "WHERE h.next_start <= clock_timestamp() AND " + LIVE.format(now=NOW) + " < %(per_host)s "
    "RETURNING true"
)
# One round trip per ask: granted or not, and (when not) how long until the host's next start
# as the statement found it (a data-modifying WITH runs whether or not it is read).
ASK = (
    f"WITH granted AS ({ACQUIRE}) SELECT (SELECT count(*) FROM granted), (SELECT extract(epoch "
    "FROM next_start - clock_timestamp()) FROM cluster_hosts WHERE host = %(host)s)"
)
SENT = (
    "UPDATE cluster_hosts SET next_start = clock_timestamp() + make_interval(secs => %s::float8) "
    "WHERE host = %s AND leases ? %s::text"
)
RELEASE = "UPDATE cluster_hosts SET leases = leases - %s::text WHERE host = %s"
POLL = 0.25  # longest sleep between two asks for a refused lease
LEASE_MARGIN = 2.0  # seconds a lease outlives the request timeout (which bounds the request)


class ClusterLimiter(HostLimiter):
    """A `HostLimiter` whose per-host limits hold across every worker sharing the database."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        per_host: int = 2,
        delay: float = 1.0,
        global_limit: int = 32,
        lease_ttl: float = 40.0,
    ) -> None:
        super().__init__(per_host, delay, global_limit)
        self.pool = pool
        self.lease_ttl = lease_ttl
        self.asks = self.granted = 0  # leases asked for and given (for the worker's last line)
        self._local: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))

    async def _execute(self, query: str, params: Any) -> list[tuple[Any, ...]]:
        """Run one statement; a lost connection is retried until the lease's lifetime ends."""
        deadline = asyncio.get_running_loop().time() + self.lease_ttl
        while True:
            try:
                async with self.pool.connection() as conn:
                    cursor = await conn.execute(query, params)
                    return await cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError as error:
                if asyncio.get_running_loop().time() > deadline:
                    raise TransientFetchError("-", f"host leases unavailable: {error}") from None
                event(log, logging.WARNING, None, None, f"host leases: {error}; retrying")
                await asyncio.sleep(1.0)

    async def _acquire(self, host: str, token: str) -> None:
        params = {"host": host, "token": token, "ttl": self.lease_ttl, "per_host": self.per_host}
        while True:
            self.asks += 1
            ((granted, wait),) = await self._execute(ASK, params)
            if granted:
                self.granted += 1
                return
            wait = float(wait) if wait is not None else POLL
            await asyncio.sleep(min(max(wait, 0.01), POLL) * random.uniform(1.0, 1.2))

    @asynccontextmanager
    async def slot(
        self, host: str, delay: float | None = None
    ) -> AsyncIterator[Callable[[], None]]:
        gap = self.delay if delay is None else delay
        token = uuid.uuid4().hex
        marking: list[asyncio.Task[Any]] = []

        def sent() -> None:
            if not marking:  # the gap counts from when the database hears of it: later, safer
                marking.append(asyncio.ensure_future(self._execute(SENT, (gap, host, token))))

        async with self._local[host]:  # this worker's own askers queue here, not in the table
            await self._acquire(host, token)
            try:
                async with self._global:
                    yield sent
            finally:
                sent()
                await asyncio.gather(*marking, return_exceptions=True)
                await self._execute(RELEASE, (token, host))

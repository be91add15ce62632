"""The work queue's connector: procrastinate's, made to wait out a restart of the database.

procrastinate's pool checks each connection it lends, but a restart still ended a worker: its
LISTEN connection is opened again at once, fails while the server is down, and the listener's
failure stops the worker; so does a heartbeat or a periodic defer cut by the restart (or kept
waiting past the pool's timeout), and a job's end cut by it left the job `doing` under a living
worker, never taken back.

Here every statement (and the listener) that failed for want of a connection is run again once
the server answers, for up to `RETRY_FOR`. A cut statement did not commit (the server rolls back
a lost session's transaction), so running it again is right; in the rare case that its commit
went through and only the answer was lost, a repeated defer meets its queueing lock or periodic
record, a repeated finish finds the job finished, and only a job just fetched would stay `doing`.
A worker stopping is not held up: its unregistration is not retried (others prune it). The pool
is a `LiveAsyncPool`: after a restart, its dead connections are replaced at once."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import procrastinate
from procrastinate import connector, exceptions, sql

from scraper.logs import event
from scraper.store.pg_connection import LiveAsyncPool, connection_lost

log = logging.getLogger("scraper.worker")

RETRY_FOR = 120.0  # seconds a statement may wait for the database before its error stands
RETRY_EVERY = 1.0  # seconds between two tries (each waits for the pool's connection first)
WARN_EVERY = 60.0  # seconds between two warnings of a lost connection
NOT_RETRIED = (sql.queries["unregister_worker"],)

T = TypeVar("T")


class ReconnectingConnector(procrastinate.PsycopgConnector):
    """A `PsycopgConnector` whose statements and listener outlive a lost connection."""

    def __init__(self, *, retry_for: float = RETRY_FOR, **kwargs: Any) -> None:
        super().__init__(**{"pool_factory": LiveAsyncPool, **kwargs})
        self.retry_for = retry_for
        self._warned = -math.inf

    async def _again(self, what: str, run: Callable[[], Awaitable[T]], retry_for: float) -> T:
        give_up_at = asyncio.get_running_loop().time() + retry_for
        while True:
            try:
                return await run()
            except exceptions.ConnectorException as error:
                cause = error.__cause__
                if not connection_lost(cause):
                    raise
                now = asyncio.get_running_loop().time()
                if now >= give_up_at:
                    raise
                if now - self._warned >= WARN_EVERY:
                    self._warned = now
                    event(
                        log,
                        logging.WARNING,
                        None,
                        None,
                        f"work queue: {what} lost the "
                        f"database ({_first_line(cause)}); trying again every "
                        f"{RETRY_EVERY:g}s",
                    )
                await asyncio.sleep(RETRY_EVERY)

    async def execute_query_async(self, query: Any, **arguments: Any) -> None:
        run = super().execute_query_async
        if query in NOT_RETRIED:
            return await run(query, **arguments)
        return await self._again("a statement", lambda: run(query, **arguments), self.retry_for)

    async def execute_query_one_async(self, query: Any, **arguments: Any) -> dict[str, Any]:
        run = super().execute_query_one_async
        return await self._again("a statement", lambda: run(query, **arguments), self.retry_for)

    async def execute_query_all_async(self, query: Any, **arguments: Any) -> list[dict[str, Any]]:
        run = super().execute_query_all_async
        return await self._again("a statement", lambda: run(query, **arguments), self.retry_for)

    async def listen_notify(
        self, on_notification: connector.Notify, channels: Iterable[str]
    ) -> None:
        """Listen, reconnecting for as long as it takes (jobs are also looked for every second,
        and the worker's other statements give up after `retry_for`)."""
        run, names = super().listen_notify, list(channels)
        await self._again("the listener", lambda: run(on_notification, names), math.inf)


def _first_line(error: BaseException | None) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]

"""PostgreSQL connections that outlive a restart of the server.

After the server restarts (or the network drops), every pooled connection is dead, but a pool
learns it only when one is used: each would fail the operation that borrowed it. The pools here
check a connection as they lend it; finding one dead, they check every idle one at once, as the
rest died with it (psycopg_pool alone would try them one by one, sleeping 1, 2, 4... s between:
7 s for four dead connections). And `connection_lost` tells a statement cut by a lost connection,
which may run again on a new one (the server rolled back what the lost session had not
committed), from one the server refused (a constraint, a syntax error, a cancelled query).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, ConnectionPool

# SQLSTATE classes of a lost connection: 08 (connection exception) and 57P (the server shutting
# down, crashed, or not accepting connections yet). Client-side failures have no SQLSTATE.
LOST_STATES = ("08", "57P")


def connection_lost(error: BaseException | None) -> bool:
    """Whether the error means the connection or the server went away (a pool that found no
    live connection in time included)."""
    if not isinstance(error, psycopg.OperationalError):
        return False
    state = error.sqlstate
    return state is None or state.startswith(LOST_STATES)


class LivePool(ConnectionPool):
    """A `ConnectionPool` that lends only live connections (any `check` given is replaced)."""

    def __init__(self, *args: Any, check: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, check=self._check_lent, **kwargs)

    def _check_lent(self, conn: psycopg.Connection[Any]) -> None:
        try:
            self.check_connection(conn)
        except psycopg.Error:
            self.check()  # the idle ones, dead too after a restart, are replaced now
            raise


class LiveAsyncPool(AsyncConnectionPool):
    """An `AsyncConnectionPool` that lends only live connections (as `LivePool`)."""

    def __init__(self, *args: Any, check: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, check=self._check_lent, **kwargs)

    async def _check_lent(self, conn: psycopg.AsyncConnection[Any]) -> None:
        try:
            await self.check_connection(conn)
        except psycopg.Error:
            await self.check()
            raise

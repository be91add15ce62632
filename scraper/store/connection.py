"""What the shared SQL code runs on: an `sqlite3.Connection` or psycopg's adapter, and how a
backend reads a stored time back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

__all__ = ["Connection", "Result", "TimeReader"]

TimeReader = Callable[[Any], datetime | None]  # a stored time as a datetime (None stays None)


class Result(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What shared code runs statements on: an `sqlite3.Connection`, or psycopg's adapter."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Result: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> object: ...

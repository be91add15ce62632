"""What every part of the shared SQL store reads and writes through: the backend's primitives.

`SQLStore` is put together from parts by responsibility (fetch state, sources, articles,
versions); each part subclasses `SQLBase` and so sees only these primitives, which
`SQLiteStore` and `PostgresStore` provide.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from scraper.errors import StorageError
from scraper.models import StoredArticle
from scraper.store.connection import Connection
from scraper.store.sql import ARTICLE_COLUMNS, stored_article

ARTICLE_BY_ID = f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?"


class SQLBase(ABC):
    """An SQL index's reads, writes and times, as each backend does them."""

    label: str
    _insertion_order: str  # the articles column that keeps their order of insertion

    @abstractmethod
    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        """The rows of one read (a `?` statement), readable by column name."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[Connection]:
        """One write transaction, as a `Connection` that runs `?` statements."""

    @staticmethod
    @abstractmethod
    def _ts(value: datetime | None) -> Any:
        """A time as the index keeps it (UTC, to the second)."""

    @staticmethod
    @abstractmethod
    def _dt(value: Any) -> datetime | None:
        """A time the index kept, as a datetime."""

    def _article(self, db: Connection, ident: str) -> StoredArticle:
        """The article as it stands inside the write transaction `db` (what it just wrote)."""
        row = db.execute(ARTICLE_BY_ID, (ident,)).fetchone()
        if row is None:
            raise StorageError(f"{self.label}: no article {ident}")
        return stored_article(row, self._dt)

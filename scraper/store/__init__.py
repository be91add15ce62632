"""Where the archive lives: the index (behind the `Store` interface), the browsable tree, WARC.

`open_store(config)` is the one place an index is opened: the embedded SQLite file
`<archive>/index.sqlite` by default, or the PostgreSQL database `[index] url` names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scraper.errors import NoArchiveError
from scraper.store.base import FetchRecord, HostHold, RobotsRecord, SourceState, Store

if TYPE_CHECKING:
    from scraper.config.settings import Config

__all__ = [
    "FetchRecord",
    "HostHold",
    "RobotsRecord",
    "SourceState",
    "Store",
    "index_exists",
    "index_label",
    "open_store",
]


def index_label(config: Config) -> str:
    """The index as messages name it (a PostgreSQL URL without its password)."""
    if config.index.url:
        from scraper.store.postgres import safe_url

        return safe_url(config.index.url)
    from scraper.store.sqlite import INDEX_NAME

    return str(config.archive.path / INDEX_NAME)


def index_exists(config: Config) -> bool:
    """Whether the config's index has been created (by a first `fetch` or `run`)."""
    if config.index.url:
        from scraper.store.postgres import postgres_index_exists

        return postgres_index_exists(config.index.url, config.index.schema)
    from scraper.store.sqlite import INDEX_NAME

    return (config.archive.path / INDEX_NAME).exists()


def open_store(config: Config, *, create: bool = False) -> Store:
    """The config's index; `create` makes it (and migrates it) when it does not exist yet.

    Without `create`, a missing index is the one-line error "no archive yet".
    """
    if config.index.url:
        from scraper.store.postgres import PostgresStore

        return PostgresStore(config.index.url, schema=config.index.schema, create=create)
    from scraper.store.sqlite import INDEX_NAME, SQLiteStore

    if not create and not (config.archive.path / INDEX_NAME).exists():
        raise NoArchiveError(f"{config.archive.path}: no archive yet (run `scraper fetch` first)")
    return SQLiteStore(config.archive.path)

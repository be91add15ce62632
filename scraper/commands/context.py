"""What a command runs with: its logging, its config, the stores it opens (closed when it
ends, as a PostgreSQL pool has threads), and the exit statuses it returns."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from scraper.config.settings import Config, load_config

if TYPE_CHECKING:
    from scraper.store.base import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

_opened: list[Store] = []


def setup_logging(args: argparse.Namespace) -> None:
    """Errors only, except for the long-running commands; each -v says more."""
    from scraper.logs import setup_logging as setup

    verbose = getattr(args, "verbose", 0)
    default = logging.INFO if args.command in {"run", "worker"} else logging.ERROR
    level = default if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    setup(level, json_lines=getattr(args, "log_json", False))


def config(args: argparse.Namespace) -> Config:
    """The config file `--config` names (or the default one), checked."""
    return load_config(args.config)


def open_store(args: argparse.Namespace) -> Store:
    """The archive's index, closed by `close_stores` when the command ends."""
    from scraper.store import open_store as open_index

    store = open_index(config(args))
    _opened.append(store)
    return store


def close_stores() -> None:
    while _opened:
        _opened.pop().close()

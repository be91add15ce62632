"""`scraper serve`: the index in Datasette, read-only."""

from __future__ import annotations

import argparse

from scraper.commands import context
from scraper.errors import ConfigError

NAME = "serve"
HELP = "browse and query the index in Datasette (read-only)"
DESCRIPTION = (
    "Start Datasette on the archive's index, read-only: tables with facets by source and "
    "date, full-text search, SQL, and a JSON API. Needs pip install 'scraper[serve]'."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")


def run(args: argparse.Namespace) -> int:
    from scraper.outputs.serve import serve

    config = context.config(args)
    if config.index.url:
        raise ConfigError(
            f"{config.file}: index.url: `scraper serve` (Datasette) reads only the "
            "embedded SQLite index, not PostgreSQL"
        )
    return serve(config.archive.path, args.port)

"""`scraper import-opml FILE`: every feed of a feed reader's export becomes a source."""

from __future__ import annotations

import argparse
from pathlib import Path

from scraper.commands import context
from scraper.commands.context import EXIT_OK
from scraper.errors import ScraperError

NAME = "import-opml"
HELP = DESCRIPTION = "add every feed of an OPML file (folders become tags)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE")


def run(args: argparse.Namespace) -> int:
    from scraper.config.edit import add_sources
    from scraper.config.opml import read_opml

    config = context.config(args)
    assert config.file is not None
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise ScraperError(f"{args.file}: cannot read: {error.strerror}") from None
    results = add_sources(config.file, read_opml(data))
    added = [name for _, name in results if name]
    print(
        f"{len(added)} sources added, {len(results) - len(added)} already configured "
        f"(to {config.file})"
    )
    return EXIT_OK

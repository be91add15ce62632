"""`scraper export-opml`: the configured feeds for a feed reader."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scraper.commands import context
from scraper.commands.context import EXIT_OK

NAME = "export-opml"
HELP = DESCRIPTION = "write the configured feeds as OPML 2.0 for feed readers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="file (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from scraper.config.opml import write_opml

    text = write_opml(list(context.config(args).sources))
    if args.output:
        from scraper.files import atomic_write

        atomic_write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK

"""`scraper diff ID|URL [V1 [V2]]`: what changed between two versions of an article."""

from __future__ import annotations

import argparse
import sys

from scraper.commands import context
from scraper.commands.context import EXIT_OK

NAME = "diff"
HELP = "show what changed between two versions of an article"
DESCRIPTION = (
    "Word-level diff of an article's title, byline, dates and body between two versions "
    "(default: the last two). Coloured on a terminal."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", metavar="ID|URL")
    parser.add_argument(
        "v1", nargs="?", type=int, help="the older version (default: the one before the latest)"
    )
    parser.add_argument("v2", nargs="?", type=int, help="the newer version (default: the latest)")
    parser.add_argument("--no-color", action="store_true", help="plain [-removed-] {+added+}")
    parser.add_argument(
        "--unified", action="store_true", help="a unified diff, one paragraph a line"
    )


def run(args: argparse.Namespace) -> int:
    from scraper.commands.history import diff_versions

    store = context.open_store(args)
    color = sys.stdout.isatty() and not args.no_color and not args.unified
    print(
        diff_versions(store, args.article, args.v1, args.v2, color=color, unified=args.unified),
        end="",
    )
    return EXIT_OK

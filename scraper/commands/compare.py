"""`scraper compare ID|URL ID|URL`: what one article changed against another, such as what a
republisher changed of the original."""

from __future__ import annotations

import argparse
import sys

from scraper.commands import context
from scraper.commands.context import EXIT_OK

NAME = "compare"
HELP = DESCRIPTION = "what one article changed against another (e.g. a republication)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", metavar="ID|URL")
    parser.add_argument("second", metavar="ID|URL")
    parser.add_argument("--no-color", action="store_true", help="plain [-removed-] {+added+}")
    parser.add_argument("--unified", action="store_true", help="a unified diff")


def run(args: argparse.Namespace) -> int:
    from scraper.commands.history import compare_articles

    store = context.open_store(args)
    color = sys.stdout.isatty() and not args.no_color and not args.unified
    print(
        compare_articles(store, args.first, args.second, color=color, unified=args.unified), end=""
    )
    return EXIT_OK

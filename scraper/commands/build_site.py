"""`scraper build-site`: the archive's static HTML site, updated where the archive changed."""

from __future__ import annotations

import argparse

from scraper.commands import context
from scraper.commands.context import EXIT_OK

NAME = "build-site"
HELP = "update the archive's static HTML site (index.html)"
DESCRIPTION = (
    "Write the browse site inside the archive: home, sources, days, articles with their "
    "versions and diffs, stories, copies compared with their original, and a search page. "
    "Only changed pages are rewritten unless --full. It opens from file:// with no server "
    "and no external asset; only the search page runs script (its own files)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--full", action="store_true", help="rewrite every page")


def run(args: argparse.Namespace) -> int:
    from scraper.outputs.site import build_site

    config = context.config(args)
    store = context.open_store(args)
    report = build_site(store, config.archive.path, list(config.sources), full=args.full)
    print(report.summary())
    print(f"open {(config.archive.path / 'index.html').as_uri()}")
    return EXIT_OK

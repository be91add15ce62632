"""`scraper prune`: the only way anything is deleted, one source's articles before a date."""

from __future__ import annotations

import argparse

from scraper.commands import context
from scraper.commands.arguments import date
from scraper.commands.context import EXIT_OK

NAME = "prune"
HELP = "delete one source's articles first seen before a date"
DESCRIPTION = (
    "The only way anything is deleted: index rows and article folders of one source's "
    "articles first seen before DATE. WARC records are kept. Try --dry-run first."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, metavar="NAME")
    parser.add_argument("--before", required=True, type=date, metavar="DATE")
    parser.add_argument("--dry-run", action="store_true", help="only say what would be removed")


def run(args: argparse.Namespace) -> int:
    from scraper.store.prune import prune

    config = context.config(args)
    config.source(args.source)  # an unknown source is a usage error
    store = context.open_store(args)
    plan = prune(store, config.archive.path, args.source, args.before, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for ident, url, folder in plan.articles:
        print(f"{verb} {ident} {url} ({folder})")
    print(
        f"{verb} {len(plan.articles)} articles of {args.source} first seen before "
        f"{args.before.date()}; WARC records are kept (WARC files are append-only)"
    )
    return EXIT_OK

"""`scraper add URL`: find a site's feeds from any of its pages, add the best, and say what was
found and what was added."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from scraper.commands import context
from scraper.commands.context import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from scraper.commands.discover import Discovery
    from scraper.config.edit import NewSource

NAME = "add"
HELP = "find a site's feeds from any of its pages and add the best one"
DESCRIPTION = (
    "Fetch the page (politely), find its feeds (declared, linked, usual paths, section "
    "feeds first), check each by parsing it, and add the best to the config, keeping the "
    "file's comments. With no feed it falls back to a news sitemap or the page itself as a "
    "section page, and says so. A URL already configured is not added twice."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL")
    parser.add_argument("--name", help="the new source's name (default: from the site)")
    parser.add_argument("--all", action="store_true", help="add every feed found, not the best")


def run(args: argparse.Namespace) -> int:
    from scraper.commands.discover import discover_and_add

    config = context.config(args)
    found, added = discover_and_add(config, args.url, name=args.name, want_all=args.all)
    for offer in found.offers:
        title = f" {offer.title!r}" if offer.title else ""
        print(f"found {offer.kind:<7} {offer.url}{title} ({offer.entries} entries, {offer.how})")
    if not found.offers:
        for problem in found.problems:
            print(f"  tried {problem}", file=sys.stderr)
        print(
            f"error: no feed, news sitemap or article list found at {args.url} "
            f"({found.requests} requests)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    _print_added(found, added)
    return EXIT_OK


def _print_added(found: Discovery, added: list[tuple[NewSource, str | None]]) -> None:
    best = found.best()
    if best is not None and best.kind != "feed":
        instead = "news sitemap" if best.kind == "sitemap" else "page as a section page"
        print(f"no feed found: using the {instead} instead")
    for new, name in added:
        if name is None:
            print(f"already configured: {new.url}")
        else:
            print(f"added source {name!r}: {new.kind} = {new.url}")
    print(f"({found.requests} requests to the site)")

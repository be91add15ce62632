"""`scraper fetch`: poll every source (or those named) once, then say what each poll did."""

from __future__ import annotations

import argparse
import asyncio
import sys

from scraper.commands import context
from scraper.commands.context import EXIT_FAILED, EXIT_OK

NAME = "fetch"
HELP = "poll every source (or those named) once and archive new articles"
DESCRIPTION = (
    "Poll each source's feed once, fetch and extract every entry not archived yet, and store "
    "it. Exit status: 0 when every source succeeded, 1 when any failed, 2 for a bad config."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeat for several)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="ignore Retry-After waits and disabled sources this once",
    )
    parser.add_argument(
        "--revisit",
        action="store_true",
        help="also fetch every archived article again now, keeping new versions",
    )


def run(args: argparse.Namespace) -> int:
    from scraper.progress import Progress
    from scraper.runners.once import fetch_once

    config = context.config(args)
    sources = list(config.sources)
    if args.source:
        sources = [config.source(name) for name in args.source]
    if not sources:
        print(f"{config.file}: no sources configured", file=sys.stderr)
        return EXIT_FAILED
    progress = Progress(len(sources))
    reports = asyncio.run(
        fetch_once(config, sources, force=args.force, revisit=args.revisit, progress=progress)
    )
    failed = False
    for report in reports:
        print(report.summary())
        for warning in report.warnings:
            print(f"warning: {report.source}: {report.feed_url}: {warning}", file=sys.stderr)
        if report.error:
            print(f"error: {report.source}: {report.feed_url}: {report.error}", file=sys.stderr)
        for problem in report.failures:
            print(f"error: {report.source}: {problem.url}: {problem.reason}", file=sys.stderr)
        for problem in report.skipped:
            print(f"skipped: {report.source}: {problem.url}: {problem.reason}", file=sys.stderr)
        failed |= not report.ok
    return EXIT_FAILED if failed else EXIT_OK

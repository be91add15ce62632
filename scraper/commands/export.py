"""`scraper export`: the archive for other tools, as JSON lines, CSV, Markdown or a WACZ."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from scraper.commands import context
from scraper.commands.arguments import date
from scraper.commands.context import EXIT_OK, EXIT_USAGE
from scraper.errors import ScraperError

if TYPE_CHECKING:
    from scraper.store.base import Store

NAME = "export"
HELP = "write the archive to standard output (or a file) for other tools"
DESCRIPTION = (
    "Write one JSON object per archived article (its latest version) to standard output, "
    "or another format; --format wacz packages the articles' HTTP exchanges (every "
    "version) as a WACZ file for ReplayWeb.page and pywb, and needs -o FILE."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["jsonl", "csv", "markdown", "wacz"],
        default="jsonl",
        help="jsonl (default): one JSON object per article; "
        "csv; markdown; wacz: a web archive to replay (needs -o FILE)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )
    parser.add_argument(
        "--versions",
        action="store_true",
        help="one object per version instead, adding version and fetched_at",
    )
    parser.add_argument(
        "--include-minor",
        action="store_true",
        help="with --versions, also the minor (whitespace/punctuation) versions",
    )
    parser.add_argument("--source", metavar="NAME", help="only this source")
    parser.add_argument(
        "--since",
        type=date,
        metavar="DATE",
        help="only articles published (or first seen) since DATE",
    )


def run(args: argparse.Namespace) -> int:
    if args.format == "wacz":
        return _export_wacz(args)
    store = context.open_store(args)
    if not args.output or args.output == "-":
        _export_text(args, store, sys.stdout)
        return EXIT_OK
    from scraper.files import atomic_text_file

    try:
        with atomic_text_file(Path(args.output)) as out:
            _export_text(args, store, out)
    except OSError as error:
        raise ScraperError(f"cannot write {args.output}: {error.strerror or error}") from None
    return EXIT_OK


def _export_text(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    from scraper.outputs.export import export_csv, export_jsonl, export_markdown

    if args.format == "csv":
        export_csv(store, out, source=args.source, since=args.since)
    elif args.format == "markdown":
        export_markdown(store, out, source=args.source, since=args.since)
    else:
        export_jsonl(
            store,
            out,
            versions=args.versions,
            source=args.source,
            since=args.since,
            include_minor=args.include_minor,
        )


def _export_wacz(args: argparse.Namespace) -> int:
    from scraper.outputs.replay.package import export_wacz
    from scraper.progress import Counter

    if not args.output or args.output == "-":
        print(
            "error: --format wacz needs -o FILE (a WACZ is a zip file, not text for a "
            "terminal or a pipe)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    config = context.config(args)
    store = context.open_store(args)
    progress = Counter("articles read")
    try:
        report = export_wacz(
            store,
            config.archive.path,
            Path(args.output),
            source=args.source,
            since=args.since,
            progress=progress,
        )
    finally:
        progress.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return EXIT_OK

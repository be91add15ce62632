"""`scraper migrate --to URL`: the SQLite index copied into PostgreSQL, resumably."""

from __future__ import annotations

import argparse
import sys

from scraper.commands import context
from scraper.commands.arguments import checked
from scraper.commands.context import EXIT_FAILED, EXIT_OK
from scraper.config.settings import identifier, positive_int, postgres_url

NAME = "migrate"
HELP = "copy the archive's SQLite index into PostgreSQL (for scaling out)"
DESCRIPTION = (
    "Copy every table of the SQLite index into a PostgreSQL database, in batches. "
    "Resumable: run it again after an interruption and it copies only what is missing. "
    "Row counts are compared at the end; the article files and WARC stay where they are."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL",
        type=checked(postgres_url),
        help="the database, e.g. postgresql://user@host:5432/db",
    )
    parser.add_argument(
        "--schema",
        type=checked(identifier),
        help="a PostgreSQL schema for the tables (default: the server's, usually public)",
    )
    parser.add_argument(
        "--batch", type=checked(positive_int), default=2000, help="rows per transaction"
    )


def _progress(table: str, done: int, total: int) -> None:
    print(f"{table}: {done}/{total} rows copied", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from scraper.store.migrate import config_lines, migrate_index

    config = context.config(args)
    report = migrate_index(
        config, args.to, schema=args.schema, batch=args.batch, progress=_progress
    )
    print(f"{'table':<18} {'sqlite':>10} {'postgresql':>10}")
    for table, source, target in report.counts:
        mark = "" if source == target else "  <- differs"
        print(f"{table:<18} {source:>10} {target:>10}{mark}")
    if not report.ok:
        print("error: the row counts differ; run `scraper migrate` again", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"\n{report.copied} rows copied; every table's count agrees. To use the PostgreSQL "
        f"index, add to {config.file}:\n\n{config_lines(args.to, args.schema)}"
    )
    return EXIT_OK

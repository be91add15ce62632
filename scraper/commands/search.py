"""`scraper search QUERY`: full-text search of the archive, ranked, each hit with a snippet."""

from __future__ import annotations

import argparse
import json
import sys

from scraper.commands import context
from scraper.commands.arguments import date
from scraper.commands.context import EXIT_FAILED, EXIT_OK
from scraper.models import article_record

NAME = "search"
HELP = "full-text search over titles, bodies and authors"
DESCRIPTION = (
    'Search the archive: words, "exact phrases", OR, AND, NOT, prefix*, parentheses; '
    "anything else is words (Al-Tanf, covid-19, U.S., 9/11 find what they say). Results "
    "are ranked (title matches weigh most) with a snippet. Exit 1 when nothing matches "
    "or the query is malformed (one line says why)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help='e.g. ceasefire "Moon of Alabama"')
    parser.add_argument("--source", metavar="NAME", help="only this source")
    parser.add_argument("--since", type=date, metavar="DATE", help="published since DATE")
    parser.add_argument("--until", type=date, metavar="DATE", help="published before DATE")
    parser.add_argument("--limit", type=int, default=20, help="how many results (default 20)")
    parser.add_argument("--json", action="store_true", help="one JSON object per result")


def run(args: argparse.Namespace) -> int:
    store = context.open_store(args)
    color = sys.stdout.isatty() and not args.json
    marks = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    hits = store.search(
        " ".join(args.query),
        source=args.source,
        since=args.since,
        until=args.until,
        limit=args.limit,
        marks=marks,
    )
    for hit in hits:
        if args.json:
            record = article_record(hit.article)
            record.pop("text")
            record.update(snippet=hit.snippet, rank=round(hit.rank, 4))
            print(json.dumps(record, ensure_ascii=False))
        else:
            a = hit.article
            day = (a.published or a.first_seen).strftime("%Y-%m-%d")
            print(f"{a.id}  {day}  {a.source}  {a.title or a.url}")
            print(f"    {' '.join(hit.snippet.split())}")
    if not hits and not args.json:
        print("no match", file=sys.stderr)
    return EXIT_OK if hits else EXIT_FAILED

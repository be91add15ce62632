"""`scraper list`: the newest articles, one line each (or one JSON object each)."""

from __future__ import annotations

import argparse
import json

from scraper.commands import context
from scraper.commands.context import EXIT_OK
from scraper.models import article_record

NAME = "list"
HELP = DESCRIPTION = "list recent articles, one line each"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", metavar="NAME", help="only this source")
    parser.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def run(args: argparse.Namespace) -> int:
    store = context.open_store(args)
    articles = list(store.iter_articles(source=args.source, newest_first=True, limit=args.limit))
    if args.json:
        for article in articles:
            record = article_record(article)
            record.pop("text")
            print(json.dumps(record, ensure_ascii=False))
        return EXIT_OK
    for a in articles:
        date = (a.published or a.first_seen).strftime("%Y-%m-%d")
        print(f"{a.id}  {date}  {a.source:<16.16}  {(a.title or a.url)[:90]}")
    return EXIT_OK

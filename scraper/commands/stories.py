"""`scraper stories`: the stories more than one article carries, each with its original."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from scraper.commands import context
from scraper.commands.context import EXIT_OK

if TYPE_CHECKING:
    from scraper.store.stories import StoryView

NAME = "stories"
HELP = DESCRIPTION = "list stories carried by more than one article, with the original"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=100, help="how many (default 100)")
    parser.add_argument("--json", action="store_true", help="one JSON object per story")


def run(args: argparse.Namespace) -> int:
    store = context.open_store(args)
    views = store.stories(limit=args.limit)
    for view in views:
        if args.json:
            print(json.dumps(_record(view), ensure_ascii=False))
        else:
            _print_story(view)
    if not views and not args.json:
        print("no story has more than one article yet", file=sys.stderr)
    return EXIT_OK


def _record(view: StoryView) -> dict[str, object]:
    original = view.original_member()
    choice = view.original
    return {
        "story_id": view.id,
        "original": original.url if original else None,
        "reason": choice.reason if choice else None,
        "tie": bool(choice and choice.tie),
        "members": [
            {"id": m.id, "url": m.url, "source": m.source, "title": m.title} for m in view.members
        ],
    }


def _print_story(view: StoryView) -> None:
    original = view.original_member()
    choice = view.original
    tie = ", a tie" if choice and choice.tie else ""
    print(
        f"{view.id}  {len(view.members)} copies  original: "
        f"{original.url if original else '?'} ({choice.reason if choice else '?'}{tie})"
    )
    for member in view.members:
        mark = "*" if original and member.id == original.id else " "
        print(f"   {mark} {member.source:<16.16} {member.url}")

"""`scraper show ID|URL`: one article, with the other copies of its story and which of them
was chosen as the original, and why."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from scraper.commands import context
from scraper.commands.context import EXIT_FAILED, EXIT_OK
from scraper.models import StoredArticle, article_record

if TYPE_CHECKING:
    from scraper.store.stories import StoryView

NAME = "show"
HELP = DESCRIPTION = "show an article's metadata and body"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", metavar="ID|URL", help="the article's id or any of its URLs")
    parser.add_argument("--json", action="store_true", help="as one JSON object")


def run(args: argparse.Namespace) -> int:
    store = context.open_store(args)
    article = store.get_article(args.article)
    if article is None:
        print(f"error: no archived article {args.article!r}", file=sys.stderr)
        return EXIT_FAILED
    story = store.story(article.story_id)
    if args.json:
        record = article_record(article)
        record["path"] = article.path
        record["markdown"] = article.markdown
        record["story"] = _story_record(article, story)
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_article(article, story)
    return EXIT_OK


def _story_record(article: StoredArticle, story: StoryView | None) -> dict[str, object]:
    members = [m for m in story.members if m.id != article.id] if story else []
    original = story.original_member() if story else None
    return {
        "original": original.url if original else None,
        "reason": story.original.reason if story and story.original else None,
        "tie": bool(story and story.original and story.original.tie),
        "others": [{"id": m.id, "url": m.url, "source": m.source} for m in members],
    }


def _print_article(article: StoredArticle, story: StoryView | None) -> None:
    from scraper.store.tree import render_markdown

    print(render_markdown(article), end="")
    print(f"\n(folder: {article.path})")
    members = [m for m in story.members if m.id != article.id] if story else []
    if not members or story is None:
        return
    original = story.original_member()
    why = story.original.reason if story.original else "?"
    tie = (
        " (a tie: " + ", ".join(story.original.tied) + ")"
        if (story.original and story.original.tie)
        else ""
    )
    print(f"\nalso published at ({len(members)} other copies):")
    for member in members:
        mark = "  <- the original" if original and member.id == original.id else ""
        print(f"  {member.id}  {member.source}  {member.url}{mark}")
    if original and original.id == article.id:
        print(f"this article is the original ({why}){tie}")
    elif original:
        print(f"the original was chosen because: {why}{tie}")

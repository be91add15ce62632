"""`scraper prune`: the only way anything is ever deleted, and it says what it will remove.

Articles of one source first seen before a date lose their index rows and their folders. Their
WARC records stay: WARC files are append-only and shared with other articles' records.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scraper.files import inside
from scraper.store.base import Store


@dataclass
class PrunePlan:
    articles: list[tuple[str, str, str]] = field(default_factory=list)  # id, url, folder
    removed: bool = False


def prune(store: Store, root: Path, source: str, before: datetime, *, dry_run: bool) -> PrunePlan:
    plan = PrunePlan()
    for article in store.iter_articles(source=source):
        if article.first_seen < before:
            plan.articles.append((article.id, article.url, article.path))
    if dry_run or not plan.articles:
        return plan
    store.delete_articles([ident for ident, _, _ in plan.articles])
    for _, _, folder in plan.articles:
        shutil.rmtree(inside(root, folder), ignore_errors=True)
    plan.removed = True
    return plan


def archive_sizes(root: Path) -> dict[str, int]:
    """Bytes used by each part of the archive: WARC, the article tree, the index, the site."""
    sizes = {"warc": 0, "tree": 0, "index": 0, "site": 0}
    for path in root.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(root).parts
        size = path.stat().st_size
        if relative[0] == "warc":
            sizes["warc"] += size
        elif relative[0].startswith("index.sqlite"):
            sizes["index"] += size
        elif relative[0] in {"site", "index.html"}:
            sizes["site"] += size
        elif len(relative) > 1:
            sizes["tree"] += size
    return sizes

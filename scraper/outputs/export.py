"""Exports of the archive for scripts and other tools (the JSONL contract lives here)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from scraper.models import ARTICLE_KEYS, StoredArticle, article_record
from scraper.store.base import Store


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def version_records(
    store: Store, article: StoredArticle, include_minor: bool = False
) -> Iterator[dict[str, Any]]:
    """One object per version: the article's record as it stood then, plus version and time."""
    base = article_record(article)
    for version in store.iter_versions(article.id):
        if version.minor and not include_minor:
            continue
        record = dict(base)
        record.update(
            title=version.title,
            authors=list(version.authors),
            published=_iso(version.published),
            updated=_iso(version.updated),
            text=version.text,
            version=version.number,
            fetched_at=_iso(version.fetched_at),
        )
        yield record


def export_jsonl(
    store: Store,
    out: TextIO,
    *,
    versions: bool = False,
    source: str | None = None,
    since: datetime | None = None,
    include_minor: bool = False,
) -> int:
    """Write JSON Lines to `out`; returns how many objects were written."""
    count = 0
    for article in store.iter_articles(source=source, since=since):
        records = (
            version_records(store, article, include_minor)
            if versions
            else iter([article_record(article)])
        )
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_csv(
    store: Store, out: TextIO, *, source: str | None = None, since: datetime | None = None
) -> int:
    """One row per article with the JSONL keys as columns; lists joined by "; "."""
    writer = csv.DictWriter(out, fieldnames=list(ARTICLE_KEYS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for article in store.iter_articles(source=source, since=since):
        record = article_record(article)
        record["authors"] = "; ".join(record["authors"])
        record["tags"] = "; ".join(record["tags"])
        writer.writerow(record)
        count += 1
    return count


def export_markdown(
    store: Store, out: TextIO, *, source: str | None = None, since: datetime | None = None
) -> int:
    """One Markdown document: a section per article, its metadata as a list, then its body."""
    count = 0
    for article in store.iter_articles(source=source, since=since):
        record = article_record(article)
        out.write(f"## {article.title or article.url}\n\n")
        for key in (
            "url",
            "source",
            "authors",
            "published",
            "updated",
            "language",
            "tags",
            "canonical_url",
            "original_url",
            "id",
            "story_id",
            "versions",
        ):
            value = record[key]
            if isinstance(value, list):
                value = ", ".join(value)
            if value not in (None, ""):
                out.write(f"- **{key}**: {value}\n")
        out.write("\n" + (article.markdown.strip() or "*(no body)*") + "\n\n---\n\n")
        count += 1
    return count

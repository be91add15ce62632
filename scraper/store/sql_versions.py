"""Versions in an SQL index: each fetch of an article that changed it, and the edits made
since (a part of `SQLStore`)."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from scraper.models import Article, StoredArticle, StoredVersion, WarcLocation
from scraper.store.connection import Connection
from scraper.store.sql import (
    ARTICLE_FIELDS,
    VERSION_COLUMNS,
    VERSION_FIELDS,
    offset_of,
    stored_article,
    stored_version,
)
from scraper.store.sql_base import SQLBase

# A version joined to its article: the article's columns as they are, the version's as v_*.
RECENT_COLUMNS = ", ".join(
    [f"a.{c}" for c in ARTICLE_FIELDS] + [f"v.{c} AS v_{c}" for c in VERSION_FIELDS]
)


def insert_version(
    db: Connection,
    ts: Callable[[datetime | None], Any],
    article_id: str,
    number: int,
    article: Article,
    *,
    now: Any,
    warc: WarcLocation | None,
    minor: bool = False,
    diff: str | None = None,
    word_diff: str | None = None,
) -> None:
    """Write version `number` of an article as `article` reads (`now`: its fetch time as the
    index keeps it, `ts` how the index keeps times)."""
    db.execute(
        "INSERT INTO versions (article_id, version, fetched_at, title, authors, published,"
        " updated, text, markdown, warc_file, warc_offset, minor, diff, word_diff, "
        "published_offset, updated_offset) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
            number,
            now,
            article.title,
            json.dumps(list(article.authors)),
            ts(article.published),
            ts(article.updated),
            article.text,
            article.markdown,
            warc.file if warc else None,
            warc.offset if warc else None,
            minor,
            diff,
            word_diff,
            offset_of(article.published),
            offset_of(article.updated),
        ),
    )


class Versions(SQLBase):
    """The versions table: an article's history, and the latest edits across the archive."""

    @abstractmethod
    def _lock_article(self, db: Connection, article_id: str) -> None:
        """Keep other writers off the article while its next version number is taken."""

    def add_version(
        self,
        article_id: str,
        article: Article,
        *,
        fetched_at: datetime,
        minor: bool,
        diff: str,
        word_diff: str | None = None,
        warc: WarcLocation | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle:
        """Record a new version; a major one also becomes the article's latest state."""
        now = self._ts(fetched_at)
        with self._write() as db:
            self._lock_article(db, article_id)
            number = db.execute(
                "SELECT COALESCE(MAX(version), 0) + 1 AS n FROM versions WHERE article_id = ?",
                (article_id,),
            ).fetchone()["n"]
            insert_version(
                db,
                self._ts,
                article_id,
                number,
                article,
                now=now,
                warc=warc,
                minor=minor,
                diff=diff,
                word_diff=word_diff,
            )
            if not minor:
                self._apply_edit(db, article_id, article, now)
            else:
                db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", (now, article_id))
            stored = self._article(db, article_id)
            if before_commit is not None:
                before_commit(stored)
        return stored

    def _apply_edit(self, db: Connection, article_id: str, article: Article, now: Any) -> None:
        """Make a major version the article's latest state: every field the edit changed. What
        the new page no longer says (no date, no tags) is kept from before, as a page that lost
        it is likelier misread."""
        ts = self._ts
        db.execute(
            "UPDATE articles SET title = ?, authors = ?, published = COALESCE(?, "
            "published), updated = COALESCE(?, updated), "
            "published_offset = COALESCE(?, published_offset), "
            "updated_offset = COALESCE(?, updated_offset), text = ?, markdown = ?, "
            "language = COALESCE(?, language), tags = COALESCE(?, tags), "
            "canonical_url = COALESCE(?, canonical_url), "
            "description = COALESCE(?, description), image = COALESCE(?, image), "
            "versions = versions + 1, last_seen = ?, extraction_error = NULL "
            "WHERE id = ?",
            (
                article.title,
                json.dumps(list(article.authors)),
                ts(article.published),
                ts(article.updated),
                offset_of(article.published),
                offset_of(article.updated),
                article.text,
                article.markdown,
                article.language,
                json.dumps(list(article.tags)) if article.tags else None,
                article.canonical_url,
                article.description,
                article.image,
                now,
                article_id,
            ),
        )

    def recent_versions(self, limit: int = 100) -> list[tuple[StoredArticle, StoredVersion]]:
        """The latest edits (major versions after the first), newest first, each with its
        article as it is now: one statement. A version whose article is gone takes its place in
        the limit and is left out (a LEFT JOIN)."""
        rows = self._query(
            f"SELECT {RECENT_COLUMNS} FROM versions v LEFT JOIN articles a ON a.id = v.article_id "
            "WHERE v.version > 1 AND NOT v.minor ORDER BY v.fetched_at DESC, v.article_id LIMIT ?",
            (limit,),
        )
        return [
            (stored_article(r, self._dt), stored_version(r, self._dt, prefix="v_"))
            for r in rows
            if r["id"] is not None
        ]

    def iter_versions(self, article_id: str) -> Iterator[StoredVersion]:
        rows = self._query(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE article_id = ? ORDER BY version",
            (article_id,),
        )
        for r in rows:
            yield stored_version(r, self._dt)

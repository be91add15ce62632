"""Articles in an SQL index: storing a new one, finding, reading and searching them, and the
state their revisits keep (a part of `SQLStore`)."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from scraper.models import Article, FeedEntry, StoredArticle, WarcLocation
from scraper.store.connection import Connection
from scraper.store.search import SearchHit
from scraper.store.sql import ARTICLE_COLUMNS, offset_of, stored_article
from scraper.store.sql_base import ARTICLE_BY_ID, SQLBase
from scraper.store.sql_versions import insert_version
from scraper.urls import article_id, normalize_url

INSERT_ARTICLE = (
    "INSERT INTO articles (id, url, source, guid, title, authors, published, updated, "
    "language, tags, text, markdown, canonical_url, original_url, original_source, "
    "description, image, story_id, versions, first_seen, last_seen, path, "
    "extraction_error, entry_marker, next_revisit, credited_url, feed_entry, payload_digest, "
    "published_offset, updated_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class Articles(SQLBase):
    """The articles table and the URLs and GUIDs that name its rows."""

    @abstractmethod
    def _insert_article(self, db: Connection, args: tuple[Any, ...]) -> None:
        """Run `INSERT_ARTICLE` (`args`: its values, the id and URL first); StorageError when
        the index holds the article already."""

    @abstractmethod
    def _search(
        self, query: str, where: str, args: list[Any], limit: int, marks: tuple[str, str]
    ) -> list[SearchHit]:
        """`search` in the engine's full-text index, filtered by `where` (" AND ..." clauses on
        the articles, named `a`) and its `args`."""

    def find_article(
        self, url: str, guid: str | None = None, source: str | None = None
    ) -> str | None:
        """The id of the archived article this URL (or this source's GUID) names, if any."""
        rows = self._query(
            "SELECT article_id FROM article_urls WHERE url_key = ?", (normalize_url(url),)
        )
        if rows:
            return str(rows[0]["article_id"])
        if guid and source:
            rows = self._query(
                "SELECT article_id FROM article_guids WHERE source = ? AND guid = ?", (source, guid)
            )
            if rows:
                return str(rows[0]["article_id"])
        return None

    def path_owner(self, path: str) -> str | None:
        rows = self._query("SELECT id FROM articles WHERE path = ?", (path,))
        return str(rows[0]["id"]) if rows else None

    def save_article(
        self,
        *,
        source: str,
        url: str,
        article: Article,
        entry: FeedEntry | None,
        fetched_at: datetime,
        path: str,
        aliases: tuple[str, ...] = (),
        warc: WarcLocation | None = None,
        entry_marker: str | None = None,
        next_revisit: datetime | None = None,
        payload_digest: str | None = None,
        before_commit: Callable[[StoredArticle], None] | None = None,
    ) -> StoredArticle:
        """Store a newly archived article (version 1) with its URL aliases, in one transaction;
        a failure recorded for any of its URLs is cleared (the page is archived now).

        `before_commit` (writing the article's files) runs inside the transaction: if it fails,
        nothing is recorded, so the index never names files that were not written. Saving an
        article the index holds already fails (two workers at once: the second one).
        """
        ident = article_id(url)
        now = self._ts(fetched_at)
        values = (
            *self._article_row(ident, url, source, article, entry, now, path),
            entry_marker,
            self._ts(next_revisit),
            article.original_url,  # credited_url: what the page credits
            json.dumps(entry.to_json()) if entry else None,
            payload_digest,
            offset_of(article.published),
            offset_of(article.updated),
        )
        with self._write() as db:
            self._insert_article(db, values)
            insert_version(db, self._ts, ident, 1, article, now=now, warc=warc)
            self._name_article(db, ident, source, {url, *aliases}, entry.guid if entry else None)
            stored = self._article(db, ident)
            if before_commit is not None:
                before_commit(stored)
        return stored

    def _article_row(
        self,
        ident: str,
        url: str,
        source: str,
        article: Article,
        entry: FeedEntry | None,
        now: Any,
        path: str,
    ) -> tuple[Any, ...]:
        """`INSERT_ARTICLE`'s values from the id to the extraction error: what the page says."""
        ts = self._ts
        return (
            ident,
            url,
            source,
            entry.guid if entry else None,
            article.title,
            json.dumps(list(article.authors)),
            ts(article.published),
            ts(article.updated),
            article.language,
            json.dumps(list(article.tags)),
            article.text,
            article.markdown,
            article.canonical_url,
            article.original_url,
            article.original_source,
            article.description,
            article.image,
            ident,  # its own story, until dedupe places it
            now,
            now,
            path,
            article.error,
        )

    @staticmethod
    def _name_article(
        db: Connection, ident: str, source: str, urls: set[str], guid: str | None
    ) -> None:
        """Record the URLs (and the source's GUID) the article is known under, and clear the
        failures recorded for them: the page is archived now."""
        keys = sorted({normalize_url(u) for u in urls})
        db.executemany(  # in one order, so that concurrent writers never deadlock
            "INSERT INTO article_urls (url_key, article_id) VALUES (?, ?) "
            "ON CONFLICT (url_key) DO NOTHING",
            [(key, ident) for key in keys],
        )
        db.executemany("DELETE FROM page_failures WHERE url_key = ?", [(k,) for k in keys])
        if guid:
            db.execute(
                "INSERT INTO article_guids (source, guid, article_id) VALUES (?, ?, ?) "
                "ON CONFLICT (source, guid) DO NOTHING",
                (source, guid, ident),
            )

    def touch_article(
        self,
        article_id: str,
        *,
        seen_at: datetime | None,
        next_revisit: datetime | None,
        revisits: int | None = None,
        entry_marker: str | None = None,
    ) -> None:
        """Record a revisit that made no version (or schedule the next one)."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET last_seen = COALESCE(?, last_seen), next_revisit = ?, "
                "revisits = COALESCE(?, revisits), entry_marker = COALESCE(?, entry_marker) "
                "WHERE id = ?",
                (self._ts(seen_at), self._ts(next_revisit), revisits, entry_marker, article_id),
            )

    def revisit_state(self, article_id: str) -> tuple[int, str | None]:
        """How many revisits were made, and the feed-entry marker last seen."""
        rows = self._query(
            "SELECT revisits, entry_marker FROM articles WHERE id = ?", (article_id,)
        )
        return (rows[0]["revisits"], rows[0]["entry_marker"]) if rows else (0, None)

    def revisit_basis(self, article_id: str) -> tuple[FeedEntry | None, str | None]:
        """What a revisit compares against besides the text: the feed entry the article was
        found by (what the feed supplied, which the page may not state) and the SHA-256 of the
        page last compared."""
        rows = self._query(
            "SELECT feed_entry, payload_digest FROM articles WHERE id = ?", (article_id,)
        )
        if not rows:
            return None, None
        raw = rows[0]["feed_entry"]
        return (FeedEntry.from_json(json.loads(raw)) if raw else None), rows[0]["payload_digest"]

    def set_revisit_basis(
        self, article_id: str, digest: str | None, entry: FeedEntry | None = None
    ) -> None:
        """Remember the SHA-256 of the page a revisit compared (and stored, if it changed), and
        the feed entry when the feed changed it."""
        raw = json.dumps(entry.to_json()) if entry else None
        with self._write() as db:
            db.execute(
                "UPDATE articles SET payload_digest = ?, feed_entry = COALESCE(?, feed_entry) "
                "WHERE id = ?",
                (digest, raw, article_id),
            )

    def due_revisits(
        self, now: datetime, *, source: str | None = None, limit: int = 100
    ) -> list[StoredArticle]:
        """Articles whose next revisit is due, the most overdue first."""
        where, args = "next_revisit IS NOT NULL AND next_revisit <= ?", [self._ts(now)]
        if source:
            where += " AND source = ?"
            args.append(source)
        rows = self._query(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {where} ORDER BY next_revisit, id "
            "LIMIT ?",
            (*args, limit),
        )
        return [stored_article(r, self._dt) for r in rows]

    def get_article(self, key: str) -> StoredArticle | None:
        """An article by its id, or by any URL it is known under."""
        rows = self._query(ARTICLE_BY_ID, (key,))
        if not rows and "://" in key:
            found = self.find_article(key)
            rows = self._query(ARTICLE_BY_ID, (found,)) if found else []
        return stored_article(rows[0], self._dt) if rows else None

    def iter_articles(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[StoredArticle]:
        clauses, args = self._filters(source, since, until)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if newest_first else "ASC"
        sql = f"SELECT {ARTICLE_COLUMNS} FROM articles {where} "
        sql += f"ORDER BY first_seen {order}, id {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        for row in self._query(sql, tuple(args)):
            yield stored_article(row, self._dt)

    def _filters(
        self, source: str | None, since: datetime | None, until: datetime | None, prefix: str = ""
    ) -> tuple[list[str], list[Any]]:
        """WHERE clauses (and their values) for a source and a window of publication dates (the
        day first seen when undated); `prefix` names the articles table in a join."""
        clauses: list[str] = []
        args: list[Any] = []
        if source:
            clauses.append(f"{prefix}source = ?")
            args.append(source)
        if since:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) >= ?")
            args.append(self._ts(since))
        if until:
            clauses.append(f"COALESCE({prefix}published, {prefix}first_seen) < ?")
            args.append(self._ts(until))
        return clauses, args

    def search(
        self,
        query: str,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Articles matching the query (FTS5's syntax: words, "phrases", OR, NOT, prefix*; see
        `scraper.store.search`), best first, each with a snippet of its body, `marks` around
        the words found."""
        clauses, args = self._filters(source, since, until, prefix="a.")
        return self._search(query, "".join(f" AND {c}" for c in clauses), args, limit, marks)

    def count_articles(self, source: str | None = None) -> int:
        if source:
            rows = self._query("SELECT COUNT(*) AS n FROM articles WHERE source = ?", (source,))
        else:
            rows = self._query("SELECT COUNT(*) AS n FROM articles")
        return int(rows[0]["n"])

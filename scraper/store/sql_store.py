"""The `Store` methods both indexes run alike, written once over the shared SQL (`sql`).

`SQLiteStore` and `PostgresStore` subclass `SQLStore` and keep what truly differs: connections,
transactions and locks, how times are kept, full-text search, schema and migrations, deletion
in bulk, story placement, and the article insert (how a second insert of one article fails).
Reads go through the backend's `_query`, writes through `_write` (one transaction).

`SQLStore` is put together from one part per responsibility, each in its own module:
`FetchState` (validators, holds, robots.txt, payloads, the fetch log), `Sources` (state, polls,
health, pages not archived yet), `Articles` and `Versions`; stories are here.
"""

from __future__ import annotations

from abc import abstractmethod

from scraper.store.sql_articles import Articles
from scraper.store.sql_fetch_state import FetchState
from scraper.store.sql_sources import Sources
from scraper.store.sql_versions import Versions
from scraper.store.stories import StoryView


class SQLStore(Articles, Versions, Sources, FetchState):
    """The `Store` interface over an SQL index, less what each engine does its own way."""

    @abstractmethod
    def story(self, story_id: str) -> StoryView | None: ...

    # -- integrity -------------------------------------------------------------------------
    def check_integrity(self) -> list[str]:
        """Problems in the index itself: aliases to no article, version counts that disagree
        with the version rows."""
        problems = []
        dangling = self._query(
            "SELECT COUNT(*) AS n FROM article_urls u LEFT JOIN articles a ON a.id = u.article_id "
            "WHERE a.id IS NULL"
        )[0]["n"]
        if dangling:
            problems.append(f"{dangling} URL aliases point at no article")
        for row in self._query(
            "SELECT a.id FROM articles a WHERE a.versions != (SELECT COUNT(*) FROM versions v "
            "WHERE v.article_id = a.id AND NOT v.minor) ORDER BY a.id"
        ):
            problems.append(f"{row['id']}: version count disagrees with its version rows")
        return problems

    # -- stories ---------------------------------------------------------------------------
    def stories(self, limit: int = 100) -> list[StoryView]:
        """Stories of more than one article, the most recently joined first."""
        rows = self._query(
            "SELECT story_id, MAX(first_seen) AS latest FROM articles GROUP BY story_id "
            "HAVING COUNT(*) > 1 ORDER BY latest DESC, story_id LIMIT ?",
            (limit,),
        )
        views = [self.story(r["story_id"]) for r in rows]
        return [v for v in views if v is not None]

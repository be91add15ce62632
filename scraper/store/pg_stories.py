"""Stories in the PostgreSQL index: `SQLiteStories`' twin, statement for statement.

Reads and writes go through `db.connection()`, which inside `PostgresStore.place_article` is
the placement's own transaction (held under an advisory lock, so one placement at a time
across every worker: two copies of one story arriving at once still end in one story).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from scraper.dedupe import DedupeDoc, Link, LinkKind, OriginalChoice, Placement
from scraper.dedupe.pg_index import ConnectionSource
from scraper.store.stories import Member, StoryView


class PostgresStories:
    """The `StoryState` the dedupe engine reads, and the writer of its placements."""

    def __init__(self, db: ConnectionSource) -> None:
        self.db = db

    def _rows(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self.db.connection() as conn:
            return conn.execute(sql, args).fetchall()

    def doc(self, doc_id: str) -> DedupeDoc | None:
        rows = self._rows(
            "SELECT id, url, text, title, published, credited_url, canonical_url, first_seen "
            "FROM articles WHERE id = %s",
            (doc_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return DedupeDoc(
            id=str(r[0]), url=str(r[1]), text=str(r[2]), title=r[3],  # type: ignore[arg-type]
            published=r[4], credited_url=r[5], canonical_url=r[6],  # type: ignore[arg-type]
            first_seen=r[7],  # type: ignore[arg-type]
        )  # fmt: skip

    def id_for_url(self, url: str) -> str | None:
        rows = self._rows("SELECT article_id FROM article_urls WHERE url_key = %s", (url,))
        return str(rows[0][0]) if rows else None

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        rows = self._rows(
            "SELECT doc_id, kind FROM dedupe_refs WHERE url = %s ORDER BY doc_id", (url,)
        )
        return [(str(r[0]), r[1]) for r in rows]  # type: ignore[misc]

    def story_of(self, doc_id: str) -> str | None:
        rows = self._rows("SELECT story_id FROM articles WHERE id = %s", (doc_id,))
        return str(rows[0][0]) if rows else None

    def members(self, story_id: str) -> Sequence[str]:
        rows = self._rows("SELECT id FROM articles WHERE story_id = %s ORDER BY id", (story_id,))
        return [str(r[0]) for r in rows]

    def links(self, story_id: str) -> Sequence[Link]:
        rows = self._rows(
            "SELECT source, target, kind, directed, shared, contained, covered, via "
            "FROM dedupe_links WHERE story_id = %s ORDER BY source, target, kind",
            (story_id,),
        )
        return [Link(*r) for r in rows]  # type: ignore[arg-type]

    def original(self, story_id: str) -> OriginalChoice | None:
        rows = self._rows(
            "SELECT original_id, reason, tie, tied FROM dedupe_originals WHERE story_id = %s",
            (story_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return OriginalChoice(str(r[0]), r[1], bool(r[2]), tuple(json.loads(str(r[3]))))  # type: ignore[arg-type]

    def view(self, story_id: str) -> StoryView | None:
        rows = self._rows(
            "SELECT id, url, source, title, first_seen FROM articles WHERE story_id = %s "
            "ORDER BY first_seen, id",
            (story_id,),
        )
        if not rows:
            return None
        members = tuple(
            Member(str(r[0]), str(r[1]), str(r[2]), r[3], r[4] or datetime.min)  # type: ignore[arg-type]
            for r in rows
        )
        return StoryView(story_id, members, self.original(story_id), tuple(self.links(story_id)))

    def apply(self, placement: Placement) -> None:
        """Persist a placement (inside the caller's transaction)."""
        doc_id, story = placement.doc_id, placement.story
        with self.db.connection() as db:
            db.execute("DELETE FROM dedupe_refs WHERE doc_id = %s", (doc_id,))
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO dedupe_refs (url, doc_id, kind) VALUES (%s, %s, %s) "
                    "ON CONFLICT (url, doc_id) DO UPDATE SET kind = excluded.kind",
                    [(url, doc_id, kind) for url, kind in placement.refers],
                )
            for old in placement.merged:
                if old == story:  # the surviving story keeps its links
                    continue
                db.execute("UPDATE articles SET story_id = %s WHERE story_id = %s", (story, old))
                db.execute(  # SQLite's UPDATE OR IGNORE: the links the new story lacks
                    "INSERT INTO dedupe_links (story_id, source, target, kind, directed, "
                    "shared, contained, covered, via) SELECT %s, source, target, kind, "
                    "directed, shared, contained, covered, via FROM dedupe_links "
                    "WHERE story_id = %s ON CONFLICT DO NOTHING",
                    (story, old),
                )
                db.execute("DELETE FROM dedupe_links WHERE story_id = %s", (old,))
                db.execute("DELETE FROM dedupe_originals WHERE story_id = %s", (old,))
            db.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story, doc_id))
            with db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO dedupe_links (story_id, source, target, kind, directed, shared, "
                    "contained, covered, via) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT DO NOTHING",
                    [(story, k.source, k.target, k.kind, k.directed, k.shared, k.contained,
                      k.covered, k.via) for k in placement.links],
                )  # fmt: skip
            choice = placement.original
            db.execute(
                "INSERT INTO dedupe_originals (story_id, original_id, reason, tie, tied) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (story_id) DO UPDATE SET "
                "original_id = excluded.original_id, reason = excluded.reason, "
                "tie = excluded.tie, tied = excluded.tied",
                (story, choice.id, choice.reason, choice.tie, json.dumps(list(choice.tied))),
            )
            db.execute(
                "UPDATE articles SET original_url = CASE WHEN id = %s THEN credited_url "
                "ELSE %s END WHERE story_id = %s",
                (choice.id, placement.original_url, story),
            )

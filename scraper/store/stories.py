"""Stories in the SQLite index: the dedupe engine's `StoryState`, persisted.

Mirrors `scraper.dedupe.StoryBook` (the reference): an article's story is its `story_id`
column; the URLs it credits live in `dedupe_refs`, the links found in `dedupe_links`, and each
story's original (with the rule that chose it, and any tie) in `dedupe_originals`. The caller
owns the transaction: a placement is applied whole or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scraper.dedupe import DedupeDoc, Link, LinkKind, OriginalChoice, Placement


@dataclass(frozen=True)
class Member:
    id: str
    url: str
    source: str
    title: str | None
    first_seen: datetime


@dataclass(frozen=True)
class StoryView:
    id: str
    members: tuple[Member, ...]
    original: OriginalChoice | None
    links: tuple[Link, ...]

    def original_member(self) -> Member | None:
        return next((m for m in self.members if self.original and m.id == self.original.id), None)


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class SQLiteStories:
    """The `StoryState` the dedupe engine reads, and the writer of its placements."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def doc(self, doc_id: str) -> DedupeDoc | None:
        row = self.db.execute(
            "SELECT id, url, text, title, published, credited_url, canonical_url, first_seen "
            "FROM articles WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            return None
        return DedupeDoc(
            id=row[0], url=row[1], text=row[2], title=row[3], published=_dt(row[4]),
            credited_url=row[5], canonical_url=row[6], first_seen=_dt(row[7]),
        )  # fmt: skip

    def id_for_url(self, url: str) -> str | None:
        row = self.db.execute(
            "SELECT article_id FROM article_urls WHERE url_key = ?", (url,)
        ).fetchone()
        return str(row[0]) if row else None

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        rows = self.db.execute(
            "SELECT doc_id, kind FROM dedupe_refs WHERE url = ? ORDER BY doc_id", (url,)
        ).fetchall()
        return [(str(r[0]), r[1]) for r in rows]

    def story_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return str(row[0]) if row else None

    def members(self, story_id: str) -> Sequence[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY id", (story_id,)
        ).fetchall()
        return [str(r[0]) for r in rows]

    def links(self, story_id: str) -> Sequence[Link]:
        rows = self.db.execute(
            "SELECT source, target, kind, directed, shared, contained, covered, via "
            "FROM dedupe_links WHERE story_id = ?",
            (story_id,),
        ).fetchall()
        return [Link(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7]) for r in rows]

    def original(self, story_id: str) -> OriginalChoice | None:
        row = self.db.execute(
            "SELECT original_id, reason, tie, tied FROM dedupe_originals WHERE story_id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            return None
        return OriginalChoice(row[0], row[1], bool(row[2]), tuple(json.loads(row[3])))

    def view(self, story_id: str) -> StoryView | None:
        rows = self.db.execute(
            "SELECT id, url, source, title, first_seen FROM articles WHERE story_id = ? "
            "ORDER BY first_seen, id",
            (story_id,),
        ).fetchall()
        if not rows:
            return None
        members = tuple(Member(r[0], r[1], r[2], r[3], _dt(r[4]) or datetime.min) for r in rows)
        return StoryView(story_id, members, self.original(story_id), tuple(self.links(story_id)))

    def apply(self, placement: Placement) -> None:
        """Persist a placement (inside the caller's transaction)."""
        db, doc_id, story = self.db, placement.doc_id, placement.story
        db.execute("DELETE FROM dedupe_refs WHERE doc_id = ?", (doc_id,))
        db.executemany(
            "INSERT OR REPLACE INTO dedupe_refs (url, doc_id, kind) VALUES (?, ?, ?)",
            [(url, doc_id, kind) for url, kind in placement.refers],
        )
        for old in placement.merged:
            if old == story:  # the surviving story keeps its links (as `StoryBook` does)
                continue
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story, old))
            db.execute("UPDATE OR IGNORE dedupe_links SET story_id = ? WHERE story_id = ?",
                       (story, old))  # fmt: skip
            db.execute("DELETE FROM dedupe_links WHERE story_id = ?", (old,))
            db.execute("DELETE FROM dedupe_originals WHERE story_id = ?", (old,))
        db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, doc_id))
        db.executemany(
            "INSERT OR IGNORE INTO dedupe_links (story_id, source, target, kind, directed, "
            "shared, contained, covered, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(story, k.source, k.target, k.kind, int(k.directed), k.shared, k.contained,
              k.covered, k.via) for k in placement.links],
        )  # fmt: skip
        choice = placement.original
        db.execute(
            "INSERT OR REPLACE INTO dedupe_originals (story_id, original_id, reason, tie, tied) "
            "VALUES (?, ?, ?, ?, ?)",
            (story, choice.id, choice.reason, int(choice.tie), json.dumps(list(choice.tied))),
        )
        # The export's original_url: the story's original for every copy; for the original
        # itself, the page it credits when that page is not archived (still a republication).
        db.execute(
            "UPDATE articles SET original_url = CASE WHEN id = ? THEN credited_url ELSE ? END "
            "WHERE story_id = ?",
            (choice.id, placement.original_url, story),
        )

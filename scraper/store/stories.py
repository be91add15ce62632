"""Stories in the index: the dedupe engine's `StoryState`, persisted (on either engine).

Mirrors `scraper.dedupe.StoryBook` (the reference): an article's story is its `story_id`
column; the URLs it credits live in `dedupe_refs`, the links found in `dedupe_links`, each
story's original (with the rule that chose it, and any tie) in `dedupe_originals`, and which
pages of a site made each claim in `dedupe_claims` (a claim its pages repeat is the template's). The caller
owns the transaction: a placement is applied whole or not at all. Statements are the shared
SQL of `scraper.store.sql`, run on SQLite's connection or PostgreSQL's adapter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import datetime

from scraper.dedupe import DedupeDoc, Link, LinkKind, OriginalChoice, Placement
from scraper.store.connection import Connection, TimeReader


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


class SQLStories:
    """The `StoryState` the dedupe engine reads, and the writer of its placements.

    `db` runs the statements (each on the caller's transaction, when one is open); `dt` reads a
    time back as the index keeps it.
    """

    def __init__(self, db: Connection, dt: TimeReader) -> None:
        self.db = db
        self.dt = dt

    def doc(self, doc_id: str) -> DedupeDoc | None:
        r = self.db.execute(
            "SELECT id, url, text, title, published, credited_url, canonical_url, first_seen "
            "FROM articles WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if r is None:
            return None
        return DedupeDoc(
            id=r["id"],
            url=r["url"],
            text=r["text"],
            title=r["title"],
            published=self.dt(r["published"]),
            credited_url=r["credited_url"],
            canonical_url=r["canonical_url"],
            first_seen=self.dt(r["first_seen"]),
        )

    def id_for_url(self, url: str) -> str | None:
        row = self.db.execute(
            "SELECT article_id FROM article_urls WHERE url_key = ?", (url,)
        ).fetchone()
        return str(row["article_id"]) if row else None

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        rows = self.db.execute(
            "SELECT doc_id, kind FROM dedupe_refs WHERE url = ? ORDER BY doc_id", (url,)
        ).fetchall()
        return [(str(r["doc_id"]), r["kind"]) for r in rows]

    def claims(self, doc_id: str) -> Sequence[tuple[str, LinkKind]]:
        rows = self.db.execute(
            "SELECT url, kind FROM dedupe_refs WHERE doc_id = ? ORDER BY url", (doc_id,)
        ).fetchall()
        return [(str(r["url"]), r["kind"]) for r in rows]

    def claimants(self, site: str, url: str, limit: int) -> Sequence[str]:
        rows = self.db.execute(
            "SELECT doc_id FROM dedupe_claims WHERE site = ? AND url = ? ORDER BY doc_id LIMIT ?",
            (site, url, limit),
        ).fetchall()
        return [str(r["doc_id"]) for r in rows]

    def story_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (doc_id,)).fetchone()
        return str(row["story_id"]) if row else None

    def members(self, story_id: str) -> Sequence[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY id", (story_id,)
        ).fetchall()
        return [str(r["id"]) for r in rows]

    def links(self, story_id: str) -> Sequence[Link]:
        rows = self.db.execute(
            "SELECT source, target, kind, directed, shared, contained, covered, via "
            "FROM dedupe_links WHERE story_id = ? ORDER BY source, target, kind",
            (story_id,),
        ).fetchall()
        return [
            Link(
                r["source"],
                r["target"],
                r["kind"],
                bool(r["directed"]),
                r["shared"],
                r["contained"],
                r["covered"],
                r["via"],
            )
            for r in rows
        ]

    def original(self, story_id: str) -> OriginalChoice | None:
        r = self.db.execute(
            "SELECT original_id, reason, tie, tied FROM dedupe_originals WHERE story_id = ?",
            (story_id,),
        ).fetchone()
        if r is None:
            return None
        return OriginalChoice(
            str(r["original_id"]), r["reason"], bool(r["tie"]), tuple(json.loads(r["tied"]))
        )

    def view(self, story_id: str) -> StoryView | None:
        rows = self.db.execute(
            "SELECT id, url, source, title, first_seen FROM articles WHERE story_id = ? "
            "ORDER BY first_seen, id",
            (story_id,),
        ).fetchall()
        if not rows:
            return None
        members = tuple(
            Member(
                r["id"], r["url"], r["source"], r["title"], self.dt(r["first_seen"]) or datetime.min
            )
            for r in rows
        )
        return StoryView(story_id, members, self.original(story_id), tuple(self.links(story_id)))

    def apply(self, placement: Placement) -> None:
        """Persist a placement (inside the caller's transaction)."""
        db, doc_id, story = self.db, placement.doc_id, placement.story
        for was in sorted({part.was for part in placement.rebuilt}):
            db.execute("DELETE FROM dedupe_links WHERE story_id = ?", (was,))
            db.execute("DELETE FROM dedupe_originals WHERE story_id = ?", (was,))
        for part in placement.rebuilt:
            db.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?",
                [(part.story, member) for member in part.members],
            )
            self._write_story(part.story, part.links, part.original, part.original_url, part.credit)
        db.executemany(
            "DELETE FROM dedupe_refs WHERE url = ? AND doc_id = ?", list(placement.dropped)
        )
        db.executemany(
            "INSERT INTO dedupe_claims (site, url, doc_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(site, url, doc_id) for site, url in placement.claims],
        )
        db.execute("DELETE FROM dedupe_refs WHERE doc_id = ?", (doc_id,))
        db.executemany(
            "INSERT INTO dedupe_refs (url, doc_id, kind) VALUES (?, ?, ?) "
            "ON CONFLICT (url, doc_id) DO UPDATE SET kind = excluded.kind",
            [(url, doc_id, kind) for url, kind in placement.refers],
        )
        for old in placement.merged:
            if old == story:  # the surviving story keeps its links (as `StoryBook` does)
                continue
            db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (story, old))
            db.execute(  # the links the surviving story lacks move to it; the others go
                "INSERT INTO dedupe_links (story_id, source, target, kind, directed, shared, "
                "contained, covered, via) SELECT ?, source, target, kind, directed, shared, "
                "contained, covered, via FROM dedupe_links WHERE story_id = ? "
                "ON CONFLICT DO NOTHING",
                (story, old),
            )
            db.execute("DELETE FROM dedupe_links WHERE story_id = ?", (old,))
            db.execute("DELETE FROM dedupe_originals WHERE story_id = ?", (old,))
        db.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, doc_id))
        self._write_story(
            story, placement.links, placement.original, placement.original_url, placement.credit
        )

    def _write_story(
        self,
        story: str,
        links: Sequence[Link],
        choice: OriginalChoice,
        original_url: str,
        credit: str | None,
    ) -> None:
        """Add a story's links, and record its original (also as its members' original_url)."""
        db = self.db
        db.executemany(
            "INSERT INTO dedupe_links (story_id, source, target, kind, directed, shared, "
            "contained, covered, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(story, *astuple(k)) for k in links],  # Link's fields in the columns' order
        )
        db.execute(
            "INSERT INTO dedupe_originals (story_id, original_id, reason, tie, tied) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
            "original_id = excluded.original_id, reason = excluded.reason, "
            "tie = excluded.tie, tied = excluded.tied",
            (story, choice.id, choice.reason, choice.tie, json.dumps(list(choice.tied))),
        )
        # The export's original_url: the story's original for every copy; for the original
        # itself, the page it credits in its own text when that page is not archived (still a
        # republication). A claim the texts do not back names no original.
        db.execute(
            "UPDATE articles SET original_url = CASE WHEN id = ? THEN ? ELSE ? END "
            "WHERE story_id = ?",
            (choice.id, credit, original_url, story),
        )

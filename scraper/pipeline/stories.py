"""An archived article placed in the story it belongs to, its copies' files kept in step."""

from __future__ import annotations

import logging

from scraper.dedupe import DedupeDoc, Deduper, Placement
from scraper.logs import event
from scraper.models import Article, StoredArticle
from scraper.pipeline.parts import Parts

log = logging.getLogger("scraper.pipeline")


class Stories:
    """Joins articles to stories; a failure never loses the article."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self._deduper: Deduper | None = None

    def place(self, stored: StoredArticle, article: Article) -> StoredArticle:
        """Join the article to the story it belongs to, and return it as the index has it now."""
        store = self.parts.store
        if self._deduper is None:
            self._deduper = store.dedupe_engine()
        try:
            placement = store.place_article(self._deduper, self._doc(stored, article))
        except Exception as error:  # noqa: BLE001 - dedupe is an index over the archive
            event(log, logging.ERROR, stored.source, stored.url, f"dedupe failed: {error!r}")
            return stored
        if len(placement.members) < 2:
            alone = store.get_article(stored.id) or stored
            if (alone.original_url, alone.story_id) != (stored.original_url, stored.story_id):
                self.parts.write_files(alone)  # a claim the text did not bear out names none
            return alone
        for member in placement.members:  # their files name the story and its original
            current = store.get_article(member)
            if current is not None:
                self.parts.write_files(current)
        event(
            log,
            logging.INFO,
            stored.source,
            stored.url,
            "joined a story",
            story=placement.story,
            members=len(placement.members),
            original=placement.original_url,
            reason=placement.original.reason,
            tie=placement.original.tie,
        )
        updated = store.get_article(stored.id) or stored
        self._tell(stored, updated, placement)
        return updated

    @staticmethod
    def _doc(stored: StoredArticle, article: Article) -> DedupeDoc:
        return DedupeDoc(
            id=stored.id,
            url=stored.url,
            text=stored.text,
            title=stored.title,
            published=stored.published,
            credited_url=article.original_url,
            credit_in_text=article.credit_in_text,
            canonical_url=article.canonical_url,
            first_seen=stored.first_seen,
            fingerprint=article.fingerprint if stored.text == article.text else None,
        )

    def _tell(self, stored: StoredArticle, updated: StoredArticle, placement: Placement) -> None:
        """Notify users that the article is a copy, or the original of copies."""
        story = self.parts.store.story(placement.story)
        original = story.original_member() if story else None
        if original is None:
            return
        copy = updated if original.id != stored.id else None
        note = (
            f"Copy: {copy.url}\nOriginal: {original.url} ({placement.original.reason})"
            if copy
            else f"Original: {original.url}; copies: "
            + ", ".join(m.url for m in (story.members if story else ()) if m.id != original.id)
        )
        self.parts.tell("new_republication", stored.source, updated, diff=note)

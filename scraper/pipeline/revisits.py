"""Archived articles fetched again, and a version stored only when a reader would see an edit.

Bytes identical to those last compared are no edit and cost no extraction. A page that seems to
have changed is fetched once more: body lines that differ between the two fetches are live
furniture (a clock, a counter, a rotating teaser), not an edit.
"""

from __future__ import annotations

import logging
from datetime import datetime

from scraper.errors import ScraperError
from scraper.extract.boilerplate import BoilerplateModel
from scraper.logs import event
from scraper.models import Article, Body, Exchange, FeedEntry, Source, StoredArticle
from scraper.pipeline.failures import Failures
from scraper.pipeline.markers import payload_digest
from scraper.pipeline.pages import clean_article
from scraper.pipeline.parts import Parts
from scraper.pipeline.stories import Stories
from scraper.store.versions import (
    Snapshot,
    classify_change,
    describe_snapshot,
    furniture_of,
    live_lines,
    render_word_diff,
    version_diff,
    word_diff,
)

log = logging.getLogger("scraper.pipeline")


def then(article: StoredArticle, model: BoilerplateModel) -> Snapshot:
    """The stored state, its text cleaned with what the source's model knows now.

    The stored text was cleaned with what the model knew then (of a new source's first page:
    nothing). Compared as cleaned now, a page that only lost template lines since is unchanged,
    and an edit's diff shows the edit alone."""
    cleaned = model.clean(Body(article.text, article.markdown))
    return Snapshot(
        article.title,
        cleaned.text or article.text,
        article.authors,
        article.published,
        article.updated,
        furniture_of(cleaned.markdown or article.markdown),
    )


class Revisits:
    """Fetches archived articles again and keeps their reader-visible edits as versions."""

    def __init__(self, parts: Parts, failures: Failures, stories: Stories) -> None:
        self.parts, self.failures, self.stories = parts, failures, stories

    async def revisit(
        self,
        source: Source,
        article: StoredArticle,
        *,
        force: bool = False,
        entry: FeedEntry | None = None,
    ) -> str:
        """Fetch an archived article again; store a version if a reader would see a change.
        `entry`: the feed's entry when the feed says it changed (kept with the article).

        Returns what happened: "not modified", "unchanged", "minor", "major" or "failed: ...".
        """
        store = self.parts.store
        count, _ = store.revisit_state(article.id)
        now = self.parts.clock()
        seen: datetime | None = None
        try:
            outcome, seen = await self._fetch_again(source, article, force, entry)
        except ScraperError as error:
            outcome = self.failures.revisit(source, article, error)
        store.touch_article(
            article.id,
            seen_at=seen,
            revisits=count + 1,
            next_revisit=self.parts.next_revisit(source, article.first_seen, now),
        )
        level = logging.WARNING if outcome.startswith("failed") else logging.INFO
        event(log, level, source.name, article.url, f"revisited: {outcome}", id=article.id)
        return outcome

    async def _fetch_again(
        self, source: Source, article: StoredArticle, force: bool, entry: FeedEntry | None
    ) -> tuple[str, datetime]:
        parts = self.parts
        exchange = await parts.fetcher.fetch(
            # A rendered page's shell rarely changes when its article does: ask in full.
            article.url,
            source=source,
            kind="page",
            conditional=source.render == "never",
            force=force,
            delay=source.delay,
        )
        if exchange.status == 304:
            outcome = "not modified"
        elif parts.handoff is not None:
            _, digest = parts.store.revisit_basis(article.id)
            if self._same_bytes(source, digest, exchange, entry):
                outcome = "unchanged"
            else:
                parts.check_page(exchange, source)
                if entry is not None:  # extracted there with it; the bytes are unknown
                    parts.store.set_revisit_basis(article.id, None, entry)
                await parts.handoff.handoff(source, exchange, article.id)
                outcome = "queued for extraction"
        else:
            outcome = await self._new_version(source, article, exchange, entry)
        # Its validators are kept only now that what it holds is kept (or queued).
        parts.fetcher.remember_validators(exchange)
        return outcome, exchange.fetched_at

    async def archive(self, source: Source, article_id: str, exchange: Exchange) -> str:
        """Extract a revisited page another process fetched and handed on; store a version if
        a reader would see a change. Returns the outcome, as `revisit` does."""
        article = self.parts.store.get_article(article_id)
        if article is None:
            return "failed: the article is no longer in the archive"
        try:
            outcome = await self._new_version(source, article, exchange)
        except ScraperError as error:
            outcome = self.failures.revisit(source, article, error)
        level = logging.WARNING if outcome.startswith("failed") else logging.INFO
        event(log, level, source.name, article.url, f"revisited: {outcome}", id=article.id)
        return outcome

    def _same_bytes(
        self, source: Source, digest: str | None, exchange: Exchange, entry: FeedEntry | None
    ) -> bool:
        """Whether the page's bytes are those last compared (`digest`), the feed's entry
        unchanged: bytes identical to what is archived are no edit, and cost no extraction. Not
        for a page the browser renders: its shell stays the same when its article changes."""
        if entry is not None or digest is None or self.parts.renders(source):
            return False
        return digest == payload_digest(exchange.content)

    async def _new_version(
        self,
        source: Source,
        article: StoredArticle,
        exchange: Exchange,
        entry: FeedEntry | None = None,
    ) -> str:
        """Extract the page fetched again, clean it, and store a version if it changed.

        The page is extracted with the feed entry the article was found by (or the changed one
        the feed gives now): what the feed supplied and the page does not state (a byline, a
        time, a title) is not an edit when the page alone lacks it.
        """
        store = self.parts.store
        kept, digest = store.revisit_basis(article.id)
        if self._same_bytes(source, digest, exchange, entry):
            return "unchanged"
        model = self.parts.models.get(source.name)
        page = await self.parts.extract_page(source, entry or kept, exchange)
        fresh = clean_article(page, model)
        old = then(article, model)
        live: frozenset[str] = frozenset()
        if classify_change(old, Snapshot.of(fresh)) != "none":
            live = await self._second_look(source, article.url, exchange, fresh, entry or kept)
        outcome = self._record_version(article, fresh, exchange, old, live)
        store.set_revisit_basis(article.id, payload_digest(exchange.content), entry)
        return outcome

    async def _second_look(
        self, source: Source, url: str, first: Exchange, fresh: Article, entry: FeedEntry | None
    ) -> frozenset[str]:
        """The body lines that differ between this fetch and another moments later: live
        furniture, not an edit. A change is confirmed by a second look before it is a version
        (one more request, only when a page seems to have changed)."""
        parts = self.parts
        try:
            again = await parts.fetcher.fetch(url, source=source, kind="page", delay=source.delay)
            if again.content == first.content:
                return frozenset()
            model = parts.models.get(source.name)
            second = clean_article(await parts.extract_page(source, entry, again), model)
        except ScraperError:
            return frozenset()  # no second look to be had: the change stands as seen
        return live_lines(fresh.text, second.text)

    def _record_version(
        self,
        article: StoredArticle,
        fresh: Article,
        exchange: Exchange,
        old: Snapshot,
        live: frozenset[str] = frozenset(),
    ) -> str:
        new = Snapshot.of(fresh)
        kind = classify_change(old, new, live)
        if kind == "none":
            return "unchanged"
        number = article.versions + 1
        diff = version_diff(old, new, f"v{number - 1}", f"v{number}")
        changes = render_word_diff(
            word_diff(describe_snapshot(old), describe_snapshot(new)), color=False, context=6
        )
        stored = self.parts.store.add_version(
            article.id,
            fresh,
            fetched_at=exchange.fetched_at,
            minor=kind == "minor",
            diff=diff,
            word_diff=changes,
            warc=exchange.warc,
            before_commit=self.parts.write_files,
        )
        if kind == "major":
            stored = self.stories.place(stored, fresh)  # a new text may join (or leave) a story
        if self.parts.on_version:
            self.parts.on_version(stored, kind)
        if kind == "major":
            self.parts.tell("new_version", stored.source, stored, diff=changes)
        return kind

"""What the site needs to know of every article, without the bodies, and how it is grouped.

Lists, fingerprints and stories are computed from `Entry` records (a few hundred bytes each), so a
build holds 100,000 of them easily; bodies are read one article at a time, only for the pages
that are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from scraper.models import Source, StoredArticle
from scraper.outputs.site.dates import published_day
from scraper.store.base import SourceState, Store
from scraper.urls import normalize_url


@dataclass(frozen=True)
class Entry:
    """One article as list pages show it."""

    id: str
    url: str
    source: str
    title: str | None
    published: datetime | None
    first_seen: datetime
    last_seen: datetime
    versions: int
    story_id: str
    original_url: str | None
    language: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.url

    @cached_property
    def when(self) -> datetime:
        """The date the article is filed under: published, else first archived."""
        return _utc(self.published or self.first_seen)

    @cached_property
    def day(self) -> str:
        """The day it is filed under: as the page's readers saw it, else when first archived."""
        return published_day(self.published) if self.published else self.when.strftime("%Y-%m-%d")

    @cached_property
    def key(self) -> str:
        """Everything a list row shows; list pages are rewritten when this changes."""
        return (
            f"{self.id}\x1f{self.title}\x1f{self.published}\x1f{self.first_seen}\x1f"
            f"{self.source}\x1f{self.versions}"
        )


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def entry_of(article: StoredArticle) -> Entry:
    return Entry(
        article.id,
        article.url,
        article.source,
        article.title,
        article.published,
        _utc(article.first_seen),
        _utc(article.last_seen),
        article.versions,
        article.story_id,
        article.original_url,
        article.language,
    )


def load_entries(store: Store, source_names: Iterable[str]) -> list[Entry]:
    """Every article of the index, oldest archived first.

    A store may offer `iter_summaries()` (entries without bodies, one query); otherwise articles are
    read source by source, so memory holds one source's bodies at a time, not the whole archive.
    """
    summaries = getattr(store, "iter_summaries", None)
    if callable(summaries):
        entries = [entry_of(a) if isinstance(a, StoredArticle) else a for a in summaries()]
    else:
        entries = list(_by_source(store, source_names))
    entries.sort(key=lambda e: (e.first_seen, e.id))
    return entries


def _by_source(store: Store, source_names: Iterable[str]) -> Iterator[Entry]:
    names = list(dict.fromkeys(source_names))
    seen = 0
    for name in names:
        for article in store.iter_articles(source=name):
            seen += 1
            yield entry_of(article)
    if seen != store.count_articles():  # articles of sources we were not told about
        known = set(names)
        for article in store.iter_articles():
            if article.source not in known:
                yield entry_of(article)


@dataclass(frozen=True)
class SourceView:
    """A source as the home page shows it: where it is polled and what its last polls did."""

    name: str
    url: str | None  # the feed, sitemap or section page polled (where it moved to, if it did)
    kind: str  # "feed", "sitemap" or "page"
    state: SourceState

    @property
    def status(self) -> str:
        if self.state.disabled:
            return "disabled"
        if self.state.last_poll is None:
            return "never polled"
        return "failing" if self.state.failures else "ok"

    @property
    def key(self) -> str:
        s = self.state
        fields = (
            self.name,
            self.url,
            s.last_poll,
            s.last_success,
            s.last_error,
            s.failures,
            s.disabled,
            s.articles,
        )
        return "\x1f".join(map(str, fields))


def source_views(
    store: Store,
    sources: Sequence[Source] | None,
    extra: Iterable[str],
    states: Sequence[SourceState] | None = None,
) -> list[SourceView]:
    """Configured sources first (in config order), then any other the index knows (`states`:
    the index's source states, when the caller read them already)."""
    configured = {s.name: s for s in sources or ()}
    known = {s.name: s for s in (store.source_states() if states is None else states)}
    names = list(configured)
    names += sorted((known.keys() | set(extra)) - set(names))
    views = []
    for name in names:
        state, source = known.get(name) or store.source_state(name), configured.get(name)
        url = source.url if source else state.feed_url
        if source and state.feed_url and state.configured_feed == source.url:
            url = state.feed_url  # the feed answered with a permanent redirect
        views.append(SourceView(name, url, source.kind if source else "feed", state))
    return views


@dataclass(frozen=True)
class Story:
    """Articles that are one story; `original` is the member the others copy, when known."""

    id: str
    members: tuple[str, ...]  # article ids: the original first, then oldest archived first
    original: str | None
    reason: str | None = None  # why `original` was chosen, for the reader
    relations: tuple[tuple[str, str], ...] = ()  # (member id, how it relates to the others)

    def relation(self, member: str) -> str:
        """How `member` relates to the story, in words ("" when nothing is known)."""
        return next((words for m, words in self.relations if m == member), "")

    def role(self, member: str) -> str:
        """ "original", "copy" (of a known original) or "member" (no original known)."""
        if self.original is None:
            return "member"
        return "original" if member == self.original else "copy"


def stories_from_index(entries: Sequence[Entry]) -> dict[str, Story]:
    """Stories of more than one article, as the index records them (shared `story_id`).

    The fallback for a story the dedupe engine has no recorded choice for (an index written
    before it, or a story edited by hand): the original is the member whose URL the other
    members credit as their `original_url`, and only that credit is stated.
    """
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.story_id, []).append(entry)
    stories = {}
    for story_id, members in groups.items():
        if len(members) < 2:
            continue
        credited = {_normal(m.original_url) for m in members if m.original_url}
        original = next((m.id for m in members if _normal(m.url) in credited), None)
        ordered = sorted(members, key=lambda m: (m.id != original, m.first_seen, m.id))
        crediting = [m for m in members if m.original_url and m.id != original]
        reason = None
        if original:
            reason = f"{_sources(crediting)} credit{'s' * (len(crediting) == 1)} it as the original"
        relations = tuple((m.id, "credits the original as its source") for m in crediting)
        stories[story_id] = Story(
            story_id, tuple(m.id for m in ordered), original, reason, relations if original else ()
        )
    return stories


def _sources(members: Sequence[Entry]) -> str:
    """ "the copy at a", "the copies at a and b": how a reason names members."""
    names = [m.source for m in members]
    if len(names) == 1:
        return f"the copy at {names[0]}"
    return f"the copies at {', '.join(names[:-1])} and {names[-1]}"


def _normal(url: str) -> str:
    """The URL as the index keys it; a credit line's URL may not even parse."""
    try:
        return normalize_url(url)
    except ValueError:
        return url

"""`StoryBook`: the in-memory story store, the reference for what a persistent one must do.

    book.record(doc)                     # the article as stored (before placing it)
    book.apply(deduper.place(doc))

Tables a SQL store mirrors: docs (id, url, normalised url, the DedupeDoc fields), refs
(normalised url, doc id, kind) from `Placement.refers`, links (every `Link`), and per story its
members (a story_id column on docs) and its original (id, reason, tie, tied), and claims
(site, url, doc id: which pages of a site made a claim, to tell a template's). Applying a
placement first replaces each `rebuilt` story by its parts and drops the `dropped` refs, then
moves the members of every `merged` story to `placement.story`, adds the links, and replaces
the article's refs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from scraper.dedupe.model import DedupeDoc, Link, LinkKind, OriginalChoice, Placement, StoryPart
from scraper.urls import normalize_url


class StoryBook:
    """Articles, their references, links and stories, in dicts (a `StoryState`)."""

    def __init__(self) -> None:
        self._docs: dict[str, DedupeDoc] = {}
        self._by_url: dict[str, str] = {}
        self._refs: dict[str, dict[str, LinkKind]] = {}  # normalised url -> {doc id: kind}
        self._refs_of: dict[str, list[str]] = {}  # doc id -> urls it refers to
        self._story: dict[str, str] = {}
        self._members: dict[str, set[str]] = {}
        self._links: dict[str, list[Link]] = {}
        self._originals: dict[str, OriginalChoice] = {}
        self._claims: dict[tuple[str, str], list[str]] = {}  # (site, url) -> pages, in order

    # -- StoryState ---------------------------------------------------------------------------
    def doc(self, doc_id: str) -> DedupeDoc | None:
        return self._docs.get(doc_id)

    def id_for_url(self, url: str) -> str | None:
        return self._by_url.get(url)

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        return sorted(self._refs.get(url, {}).items())

    def claims(self, doc_id: str) -> Sequence[tuple[str, LinkKind]]:
        return [(url, self._refs[url][doc_id]) for url in self._refs_of.get(doc_id, [])]

    def claimants(self, site: str, url: str, limit: int) -> Sequence[str]:
        return self._claims.get((site, url), [])[:limit]

    def story_of(self, doc_id: str) -> str | None:
        return self._story.get(doc_id)

    def members(self, story_id: str) -> Sequence[str]:
        return sorted(self._members.get(story_id, ()))

    def links(self, story_id: str) -> Sequence[Link]:
        return list(self._links.get(story_id, ()))

    # -- reading ------------------------------------------------------------------------------
    def original(self, story_id: str) -> OriginalChoice | None:
        return self._originals.get(story_id)

    def stories(self) -> Iterator[str]:
        return iter(sorted(self._members))

    def __len__(self) -> int:
        return len(self._docs)

    # -- writing ------------------------------------------------------------------------------
    def record(self, doc: DedupeDoc) -> None:
        """Store an article (or its new version) so that lookups find it."""
        old = self._docs.get(doc.id)
        if old is not None and self._by_url.get(normalize_url(old.url)) == doc.id:
            del self._by_url[normalize_url(old.url)]
        self._docs[doc.id] = doc
        self._by_url[normalize_url(doc.url)] = doc.id

    def apply(self, placement: Placement) -> None:
        """Persist what placing an article decided."""
        for part in placement.rebuilt:
            self._members.pop(part.was, None)
            self._links.pop(part.was, None)
            self._originals.pop(part.was, None)
        for part in placement.rebuilt:
            self._apply_part(part)
        for url, page in placement.dropped:
            self._refs.get(url, {}).pop(page, None)
            if url in self._refs_of.get(page, []):
                self._refs_of[page].remove(url)
        for key in placement.claims:
            pages = self._claims.setdefault(key, [])
            if placement.doc_id not in pages:
                pages.append(placement.doc_id)
        doc_id, story = placement.doc_id, placement.story
        for url in self._refs_of.pop(doc_id, []):
            self._refs.get(url, {}).pop(doc_id, None)
        for url, kind in placement.refers:
            self._refs.setdefault(url, {})[doc_id] = kind
            self._refs_of.setdefault(doc_id, []).append(url)
        members = {doc_id}
        links: list[Link] = []
        for old in placement.merged:
            members |= self._members.pop(old, set())
            links += self._links.pop(old, [])
            self._originals.pop(old, None)
        seen = {(link.source, link.target, link.kind) for link in links}
        links += [
            link for link in placement.links if (link.source, link.target, link.kind) not in seen
        ]
        for member in members:
            self._story[member] = story
        self._members[story] = members
        self._links[story] = links
        self._originals[story] = placement.original

    def _apply_part(self, part: StoryPart) -> None:
        for member in part.members:
            self._story[member] = part.story
        self._members[part.story] = set(part.members)
        self._links[part.story] = list(part.links)
        self._originals[part.story] = part.original

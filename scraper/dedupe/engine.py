"""The engine the pipeline calls once per newly archived (or re-versioned) article.

    placement = deduper.place(doc)   # after the article itself is stored
    store.apply(placement)           # persist links, URL references, story and original

`place` finds candidates in the index, confirms each by exact shingle overlap (`classify`; two
pages of one site must be near-identical, as they share a template), adds credit and canonical
links (resolving URLs with `normalize_url`), then merges the stories it touched and chooses
their original. It reads the archive through `StoryState`; `StoryBook` is the in-memory
reference implementation. A credit to a URL not archived yet is a `refers` entry of the
placement: when that URL arrives, `referrers` finds the pages that credited it, so a copy
fetched before its original joins it, and pages crediting the same absent URL join each other.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

from scraper.dedupe.compare import MIN_SHARED, classify, overlap
from scraper.dedupe.index import CANDIDATES, FingerprintIndex
from scraper.dedupe.model import DedupeDoc, Link, LinkKind, Placement
from scraper.dedupe.original import choose_original
from scraper.dedupe.text import Fingerprint, fingerprint
from scraper.urls import normalize_url

CO_REFERRERS = 8  # pages crediting the same absent URL linked to a newcomer (one is enough)


class StoryState(Protocol):
    """What the engine reads from the archive (URLs are given normalised)."""

    def doc(self, doc_id: str) -> DedupeDoc | None: ...

    def id_for_url(self, url: str) -> str | None: ...

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        """Articles whose credited or canonical URL is `url`, with the kind of reference."""
        ...

    def story_of(self, doc_id: str) -> str | None: ...

    def members(self, story_id: str) -> Sequence[str]: ...

    def links(self, story_id: str) -> Sequence[Link]: ...


def is_article_url(url: str) -> bool:
    """A URL that can name one article: an http(s) URL with a path (a home page credits no one)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path.strip("/") != ""


def _site(url: str) -> str:
    return urlsplit(normalize_url(url)).netloc


class Deduper:
    """Places articles into stories; holds nothing but a small cache of fingerprints."""

    def __init__(self, index: FingerprintIndex, state: StoryState, cache: int = 512) -> None:
        self.index = index
        self.state = state
        # ~16 bytes per word of each text: 512 articles are a few MB, 4,096 were ~120 MB in a
        # long-running daemon, for few more hits.
        self._cache: OrderedDict[str, Fingerprint] = OrderedDict()
        self._cache_size = cache

    def fingerprint(self, doc: DedupeDoc) -> Fingerprint:
        """The fingerprint of `doc` (cached by id: call `forget` when its text changes)."""
        found = self._cache.get(doc.id)
        if found is None:
            found = doc.fingerprint if doc.fingerprint is not None else fingerprint(doc.text)
            self._cache[doc.id] = found
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(doc.id)
        return found

    def forget(self, doc_id: str) -> None:
        self._cache.pop(doc_id, None)

    def place(self, doc: DedupeDoc) -> Placement:
        """Link `doc` to the archived articles it republishes or that republish it."""
        self.forget(doc.id)  # a re-versioned article has a new text
        fp = self.fingerprint(doc)
        links = self.text_links(doc, fp)
        refers, url_links = self.url_links(doc)
        self.index.add(doc.id, fp)
        return self._story(doc, links + url_links, refers)

    def text_links(self, doc: DedupeDoc, fp: Fingerprint) -> list[Link]:
        """Links to indexed texts that the shingle overlap confirms."""
        links = []
        for other_id in self.index.query(fp, CANDIDATES + 1):
            if other_id == doc.id:
                continue
            other = self.state.doc(other_id)
            if other is None:
                continue
            o = overlap(fp, self.fingerprint(other), MIN_SHARED)
            verdict = classify(o, same_site=_site(doc.url) == _site(other.url))
            if verdict is None:
                continue
            source, target = (doc.id, other_id) if verdict.a_in_b else (other_id, doc.id)
            inner, outer = (o.a, o.b) if verdict.a_in_b else (o.b, o.a)
            directed = verdict.kind == "excerpt"
            links.append(
                Link(
                    source,
                    target,
                    verdict.kind,
                    directed,
                    o.shared,
                    inner.contained,
                    outer.contained,
                )
            )
        return links

    def url_links(self, doc: DedupeDoc) -> tuple[list[tuple[str, LinkKind]], list[Link]]:
        """Credit and canonical links, both ways, and the URLs `doc` refers to."""
        own = normalize_url(doc.url)
        refers: list[tuple[str, LinkKind]] = []
        links: list[Link] = []
        pointers: tuple[tuple[str | None, LinkKind], ...] = (
            (doc.credited_url, "credit"),
            (doc.canonical_url, "canonical"),
        )
        for raw, kind in pointers:
            if not raw or not is_article_url(raw.strip()):
                continue
            url = normalize_url(raw)
            if url == own or (url, kind) in refers:
                continue
            refers.append((url, kind))
            target = self.state.id_for_url(url)
            if target is not None and target != doc.id:
                links.append(Link(doc.id, target, kind, directed=True, via=url))
                continue
            others = sorted({o for o, _ in self.state.referrers(url) if o != doc.id})
            links += [Link(doc.id, o, kind, via=url) for o in others[:CO_REFERRERS]]
        for other, kind in self.state.referrers(own):
            if other != doc.id:
                links.append(Link(other, doc.id, kind, directed=True, via=own))
        return refers, links

    def _story(
        self, doc: DedupeDoc, links: list[Link], refers: list[tuple[str, LinkKind]]
    ) -> Placement:
        state = self.state
        stories = {state.story_of(link.other(doc.id)) for link in links}
        stories.add(state.story_of(doc.id))
        merged = sorted(s for s in stories if s is not None)
        members = {doc.id}
        known = list(links)
        for story in merged:
            members.update(state.members(story))
            known += state.links(story)
        docs = [doc] + [d for m in sorted(members - {doc.id}) if (d := state.doc(m)) is not None]
        choice = choose_original(docs, known)
        original = next(d for d in docs if d.id == choice.id)
        return Placement(
            doc_id=doc.id,
            links=tuple(links),
            refers=tuple(refers),
            merged=tuple(merged),
            story=choice.id,
            original=choice,
            original_url=original.url,
            members=tuple(sorted(members)),
        )

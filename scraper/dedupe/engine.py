"""The engine the pipeline calls once per newly archived (or re-versioned) article.

    placement = deduper.place(doc)   # after the article itself is stored
    store.apply(placement)           # persist links, URL references, story and original

`place` finds candidates in the index, confirms each by exact shingle overlap (`classify`; two
pages of one site must be near-identical, as they share a template), adds the links that the
page's claims (credit, canonical: see `claims`) make where they stand, then merges the stories
it touched and chooses their original. It reads the archive through `StoryState`; `StoryBook`
is the in-memory reference implementation. A credit to a URL not archived yet is a `refers` entry of the
placement: when that URL arrives, `referrers` finds the pages that credited it, so a copy
fetched before its original joins it, and pages crediting the same absent URL join each other.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice

from scraper.dedupe.claims import (
    CLAIMANTS,
    Claim,
    Rebuilt,
    claims_of,
    link_kind,
    rebuild,
    site_of,
)
from scraper.dedupe.compare import MIN_SHARED, classify, overlap
from scraper.dedupe.index import CANDIDATES, FingerprintIndex
from scraper.dedupe.model import DedupeDoc, Link, LinkKind, Placement, StoryPart, StoryState
from scraper.dedupe.original import choose_original
from scraper.dedupe.text import Fingerprint, fingerprint
from scraper.urls import normalize_url

CO_REFERRERS = 8  # pages crediting the same absent URL linked to a newcomer (one is enough)


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
        standing, counted, repeated = self._sort_claims(doc, fp)
        dropped, rebuilt = self._cut(site_of(doc.url), repeated)
        state = Rebuilt(self.state, rebuilt) if rebuilt else self.state
        refers, claim_links = self.claim_links(doc, fp, standing, state)
        self.index.add(doc.id, fp)
        placement = self._story(doc, links + claim_links, refers, state, set(dropped))
        return replace(placement, claims=counted, dropped=dropped, rebuilt=rebuilt)

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
            verdict = classify(o, same_site=site_of(doc.url) == site_of(other.url))
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

    def _sort_claims(
        self, doc: DedupeDoc, fp: Fingerprint
    ) -> tuple[list[Claim], tuple[tuple[str, str], ...], list[tuple[str, list[str]]]]:
        """`doc`'s claims that stand; those to count for its site; and the ones its page shows
        to be the template's, with the site's earlier pages whose references to them stood.

        Pages of the site that are copies of `doc` (the same article under two URLs, a copy
        and its excerpt) are one article: only different articles repeating the claim make it
        the template's (`Claim.template` of them).
        """
        site = site_of(doc.url)
        standing, counted, repeated = [], [], []
        for claim in claims_of(doc):
            recorded = self.state.claimants(site, claim.url, CLAIMANTS)
            if doc.id not in recorded and len(recorded) < CLAIMANTS:
                counted.append((site, claim.url))
            before = [p for p in recorded if p != doc.id]
            others = (p for p in before if not self._supported(fp, doc.url, p, self.state, True))
            if len(list(islice(others, claim.template - 1))) < claim.template - 1:
                standing.append(claim)
                continue
            held = sorted({p for p, _ in self.state.referrers(claim.url)} & set(before))
            if held:
                repeated.append((claim.url, held))
        return standing, tuple(counted), repeated

    def _cut(
        self, site: str, repeated: list[tuple[str, list[str]]]
    ) -> tuple[tuple[tuple[str, str], ...], tuple[StoryPart, ...]]:
        """Drop the references of a claim found to be `site`'s template, and cut apart the
        stories it joined: the links it made go, and each story splits where they held it."""
        dropped = tuple((url, page) for url, pages in repeated for page in pages)
        # Every story of those pages is rebuilt, joined by the claim or not: its original may
        # have named the claimed page as its own original.
        bad: dict[str, set[tuple[str, str, str]]] = {}
        for url, pages in repeated:
            for story in {s for p in pages if (s := self.state.story_of(p)) is not None}:
                gone = bad.setdefault(story, set())
                for k in self.state.links(story):
                    if k.via == url and (k.source in pages or k.target in pages):
                        gone.add((k.source, k.target, k.kind))
        parts: list[StoryPart] = []
        for story, gone in sorted(bad.items()):
            kept = [k for k in self.state.links(story) if (k.source, k.target, k.kind) not in gone]
            docs = [d for m in self.state.members(story) if (d := self.state.doc(m)) is not None]
            credits = {d.id: c for d in docs if (c := self._credit(d, set(dropped)))}
            parts += rebuild(story, docs, kept, credits)
        return dropped, tuple(parts)

    def _credit(
        self,
        doc: DedupeDoc,
        dropped: set[tuple[str, str]],
        refers: Sequence[tuple[str, LinkKind]] | None = None,
    ) -> str | None:
        """The page an article credits in its own text, as it wrote it, when that claim stands
        (`refers`: the article's claims, when they are not stored yet)."""
        if not doc.credited_url:
            return None
        claims = self.state.claims(doc.id) if refers is None else refers
        url = normalize_url(doc.credited_url)
        standing = (url, "credit") in claims and (url, doc.id) not in dropped
        return doc.credited_url if standing else None

    def _supported(
        self,
        fp: Fingerprint,
        own_url: str,
        other_id: str,
        state: StoryState,
        as_copies: bool = False,
    ) -> bool:
        """Whether the texts back a claim between two articles: one is a copy of the other.

        `as_copies`: judged as texts of two sites, as a copy and its excerpt on one site are
        (the stricter test of one site's pages is for their links, not for telling a claim
        of one article from a template's).
        """
        other = state.doc(other_id)
        if other is None:
            return False
        o = overlap(fp, self.fingerprint(other), MIN_SHARED)
        same_site = not as_copies and site_of(own_url) == site_of(other.url)
        return classify(o, same_site=same_site) is not None

    def claim_links(
        self, doc: DedupeDoc, fp: Fingerprint, standing: list[Claim], state: StoryState
    ) -> tuple[list[tuple[str, LinkKind]], list[Link]]:
        """Links that standing claims make, both ways, and the URLs `doc` refers to.

        A claim joins when the texts support it, or alone when it is a credit in the article's
        own text (pages crediting the same absent URL so then join each other too).
        """
        own = normalize_url(doc.url)
        refers: list[tuple[str, LinkKind]] = []
        links: list[Link] = []
        for claim in standing:
            refers.append((claim.url, claim.kind))
            target = state.id_for_url(claim.url)
            if target == doc.id:
                continue
            if target is not None:
                if claim.alone or self._supported(fp, doc.url, target, state):
                    links.append(Link(doc.id, target, claim.link_kind, True, via=claim.url))
                continue
            if claim.alone:
                others = sorted(
                    {o for o, k in state.referrers(claim.url) if o != doc.id and k == "credit"}
                )
                links += [Link(doc.id, o, "credit", via=claim.url) for o in others[:CO_REFERRERS]]
        for other, kind in state.referrers(own):
            if other != doc.id and (kind == "credit" or self._supported(fp, doc.url, other, state)):
                links.append(Link(other, doc.id, link_kind(kind), directed=True, via=own))
        return refers, links

    def _story(
        self,
        doc: DedupeDoc,
        links: list[Link],
        refers: list[tuple[str, LinkKind]],
        state: StoryState,
        dropped: set[tuple[str, str]],
    ) -> Placement:
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
        credit = self._credit(original, dropped, refers if original.id == doc.id else None)
        return Placement(
            doc_id=doc.id,
            links=tuple(links),
            refers=tuple(refers),
            merged=tuple(merged),
            story=choice.id,
            original=choice,
            original_url=original.url,
            members=tuple(sorted(members)),
            credit=credit,
        )

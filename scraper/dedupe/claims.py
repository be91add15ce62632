"""Claims: what a page says it copies (a credit link, a canonical, `og:url`, a JSON-LD url).

A claim is the page's word, and pages are often wrong: a CMS template may carry one fixed
canonical on every page, or a "Source: Agency" link in a sidebar. So a claim joins a story, or
names an original, only when the texts support it (`Deduper` checks their overlap), except a
credit line inside the article's own text that names one article (a credited translation shares
no words with its source). A claim that different articles of one site repeat (two; three for a
credit in the text) is the template's, not the article's: it is ignored from then on, and the stories it joined before it
was known to repeat are cut apart again (`rebuild`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.dedupe.model import DedupeDoc, Link, LinkKind, OriginalChoice, StoryPart, StoryState
from scraper.dedupe.original import choose_original
from scraper.urls import normalize_url

# The pages of a site that made a claim are kept up to CLAIMANTS: copies of one article may fill
# a few places, and one different article among them shows the claim to be the template's.
CLAIMANTS = 8


@dataclass(frozen=True)
class Claim:
    url: str  # normalised
    kind: LinkKind  # "credit" (a line of the article's own text), "page credit", "canonical"

    @property
    def alone(self) -> bool:
        """Whether the claim joins without the texts' support: a credit in the article's text."""
        return self.kind == "credit"

    @property
    def template(self) -> int:
        """How many different articles of one site making the claim make it the template's.

        Two, for what texts must back anyway; three for a credit in the text, which joins
        alone: a site may translate one article twice (into two languages), and a template's
        line is on every page, so a third shows it soon.
        """
        return 3 if self.alone else 2

    @property
    def link_kind(self) -> LinkKind:
        return "canonical" if self.kind == "canonical" else "credit"


def is_article_url(url: str) -> bool:
    """A URL that can name one article: an http(s) URL with a path (a home page credits no one)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path.strip("/") != ""


def site_of(url: str) -> str:
    return urlsplit(normalize_url(url)).netloc


def claims_of(doc: DedupeDoc) -> list[Claim]:
    """The pages `doc` names as its source or canonical (never itself, never a home page)."""
    own = normalize_url(doc.url)
    credit: LinkKind = "credit" if doc.credit_in_text else "page credit"
    found: list[Claim] = []
    for raw, kind in ((doc.credited_url, credit), (doc.canonical_url, "canonical")):
        if not raw or not is_article_url(raw.strip()):
            continue
        url = normalize_url(raw)
        if url != own and all(c.url != url for c in found):
            found.append(Claim(url, kind))
    return found


def link_kind(ref: LinkKind) -> LinkKind:
    return "canonical" if ref == "canonical" else "credit"


def components(members: Iterable[str], links: Iterable[Link]) -> list[list[str]]:
    """The groups of `members` that `links` connect (each sorted, the groups by first id)."""
    parent = {m: m for m in members}

    def root(m: str) -> str:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for link in links:
        if link.source in parent and link.target in parent:
            parent[root(link.source)] = root(link.target)
    groups: dict[str, list[str]] = {}
    for m in sorted(parent):
        groups.setdefault(root(m), []).append(m)
    return sorted(groups.values())


def rebuild(
    story: str, docs: Sequence[DedupeDoc], links: Sequence[Link], credits: dict[str, str]
) -> list[StoryPart]:
    """`story` cut into the parts its remaining `links` still hold together, each with its
    original; `credits` maps a member to the unarchived page it credits in its text."""
    by_id = {d.id: d for d in docs}
    parts = []
    for group in components(by_id, links):
        inside = tuple(k for k in links if k.source in group and k.target in group)
        choice: OriginalChoice = choose_original([by_id[m] for m in group], inside)
        parts.append(
            StoryPart(
                was=story,
                story=choice.id,
                members=tuple(group),
                links=inside,
                original=choice,
                original_url=by_id[choice.id].url,
                credit=credits.get(choice.id),
            )
        )
    return parts


class Rebuilt:
    """The archive's stories as they will be once `parts` are applied (a `StoryState`)."""

    def __init__(self, state: StoryState, parts: Sequence[StoryPart]) -> None:
        self.state = state
        self._story = {m: p.story for p in parts for m in p.members}
        self._members: dict[str, tuple[str, ...]] = {p.was: () for p in parts}
        self._links: dict[str, tuple[Link, ...]] = {p.was: () for p in parts}
        for p in parts:
            self._members[p.story] = p.members
            self._links[p.story] = p.links

    def doc(self, doc_id: str) -> DedupeDoc | None:
        return self.state.doc(doc_id)

    def id_for_url(self, url: str) -> str | None:
        return self.state.id_for_url(url)

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        return self.state.referrers(url)

    def claims(self, doc_id: str) -> Sequence[tuple[str, LinkKind]]:
        return self.state.claims(doc_id)

    def claimants(self, site: str, url: str, limit: int) -> Sequence[str]:
        return self.state.claimants(site, url, limit)

    def story_of(self, doc_id: str) -> str | None:
        found = self._story.get(doc_id)
        return found if found is not None else self.state.story_of(doc_id)

    def members(self, story_id: str) -> Sequence[str]:
        found = self._members.get(story_id)
        return found if found is not None else self.state.members(story_id)

    def links(self, story_id: str) -> Sequence[Link]:
        found = self._links.get(story_id)
        return found if found is not None else self.state.links(story_id)

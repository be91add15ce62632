"""Records of the dedupe engine: the article as it sees it, the links it finds, where it goes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

# "page credit" is a reference only (a credit outside the article's own text): a link it makes,
# with the texts' support, is a "credit".
LinkKind = Literal["exact", "full", "excerpt", "edited", "credit", "canonical", "page credit"]
TEXT_KINDS: tuple[LinkKind, ...] = ("exact", "full", "excerpt", "edited")
Reason = Literal["alone", "credited", "canonical", "contains", "earliest date", "undated"]


@dataclass(frozen=True)
class DedupeDoc:
    """One archived article (its latest version) as the engine needs it."""

    id: str
    url: str
    text: str  # the extracted body, paragraphs separated by blank lines
    title: str | None = None
    published: datetime | None = None
    credited_url: str | None = None  # the original this page credits (Article.original_url)
    canonical_url: str | None = None
    first_seen: datetime | None = (
        None  # when the archive first fetched it: dates after are doubtful
    )
    credit_in_text: bool = False  # the credit line is in the article's own text, not the page's
    fingerprint: Any = field(default=None, compare=False, repr=False)  # of `text`, if made already


@dataclass(frozen=True)
class Link:
    """A relation between two archived articles.

    Directed links say which side is the original: for "excerpt" `source` is the excerpt and
    `target` the text containing it; for "credit" and "canonical" `source` names `target` as its
    original or canonical page. Undirected links (exact, full, edited copies, and two pages that
    credit the same not-yet-archived URL, `via`) only say the two belong to one story.
    """

    source: str
    target: str
    kind: LinkKind
    directed: bool = False
    shared: int = 0  # shingles in common
    contained: float = 0.0  # share of source's text found in target (edges trimmed)
    covered: float = 0.0  # share of target's text found in source (edges trimmed)
    via: str | None = None  # the normalised URL behind a credit or canonical link

    def other(self, doc_id: str) -> str:
        return self.target if doc_id == self.source else self.source


@dataclass(frozen=True)
class OriginalChoice:
    """Which member of a story is its original, and why.

    Rules, in order: the member other members credit (or name as canonical) and which credits no
    one itself; else the one whose text contains the others' (excerpts are not originals); else
    the earliest trustworthy publication date (for a page without one, when we first fetched
    it). `tie` is set when the rules could not separate `tied` (all of them candidates; the
    smallest id is chosen so that the choice is stable).
    """

    id: str
    reason: Reason
    tie: bool = False
    tied: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryPart:
    """A story as rebuilt once claims it was joined by turned out to be a template's.

    `was` is the story it is cut from (several parts may share it); `credit` is what the
    original itself credits and is not archived (its `original_url`), if anything.
    """

    was: str
    story: str
    members: tuple[str, ...]
    links: tuple[Link, ...]
    original: OriginalChoice
    original_url: str
    credit: str | None = None


@dataclass(frozen=True)
class Placement:
    """What placing one article decided; the caller persists all of it.

    The story id is the id of the story's original, so it changes when a better original joins:
    every member of the `merged` stories (ids as they were before) moves to `story`.
    """

    doc_id: str
    links: tuple[Link, ...]  # new links between this article and archived ones
    refers: tuple[tuple[str, LinkKind], ...]  # normalised URLs it credits or names canonical
    merged: tuple[str, ...]  # existing stories joined (the article's own one included)
    story: str
    original: OriginalChoice
    original_url: str
    members: tuple[str, ...] = field(default=(), compare=False)  # the story's members, sorted
    credit: str | None = None  # what the original credits that is not archived (its original_url)
    claims: tuple[tuple[str, str], ...] = ()  # (site, normalised url) this page claims, to count
    dropped: tuple[tuple[str, str], ...] = ()  # (url, doc id) references found to be a template's
    rebuilt: tuple[StoryPart, ...] = ()  # stories cut apart first, as dropped claims joined them


class StoryState(Protocol):
    """What the engine reads from the archive (URLs are given normalised)."""

    def doc(self, doc_id: str) -> DedupeDoc | None: ...

    def id_for_url(self, url: str) -> str | None: ...

    def referrers(self, url: str) -> Sequence[tuple[str, LinkKind]]:
        """Articles whose standing claims name `url`, with the kind of claim."""
        ...

    def claims(self, doc_id: str) -> Sequence[tuple[str, LinkKind]]:
        """The standing claims of an article: (url, kind)."""
        ...

    def claimants(self, site: str, url: str, limit: int) -> Sequence[str]:
        """Up to `limit` distinct pages of `site` that ever claimed `url` (kept across runs)."""
        ...

    def story_of(self, doc_id: str) -> str | None: ...

    def members(self, story_id: str) -> Sequence[str]: ...

    def links(self, story_id: str) -> Sequence[Link]: ...

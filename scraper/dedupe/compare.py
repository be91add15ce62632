"""Confirming a candidate: exact shingle overlap between two fingerprints, and what it means.

The overlap is measured as containment (the share of one text found in the other), not only as
Jaccard similarity, so that an excerpt of 15% of an article matches it. A text's unmatched head
and tail (a republisher's header, footer, credit line) are left out of its containment, up to
EDGE shingles at each end and half as many as were matched (as many, for a text ending in
"Read more"): a template is trimmed around a copy, but a paragraph shared by two short articles
does not become "all" of either. Unmatched text in the middle is never left out, so an article
quoting one paragraph of another stays apart.

Let A be the better contained text of a pair, B the other. They are linked when
- 60% of one text as it is (untrimmed: a template is never most of a copy) and 45% of B (its
  template trimmed) are found in the other (EDITED), or
- A is nearly all found in B (EXCERPT_LINK) and both start with the shared text (but for LEAD
  shingles of a header, EDGE for a text ending in "Read more"): a teaser repeats the beginning
  of its article, while a quote or a press release paragraph found further down either text is
  what different articles share.
The kind follows from where the differences are: none ("exact"); only around the shared text,
with B nearly all matched ("full"); none inside A, but much of B unmatched or A ending in
"Read more" ("excerpt"); inside the shared text ("edited").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from scraper.dedupe.text import Fingerprint

TextKind = Literal["exact", "full", "excerpt", "edited"]

EDGE = 48  # unmatched shingles at each end of a text that may be a template's, not its content
MIN_SHARED = 8  # fewer shared shingles (about a dozen words) is never a republication
EDITED = 0.6, 0.45  # raw containment of either text, trimmed containment of B: edited copy
EXCERPT_LINK = 0.85  # containment of an excerpt in its article
LEAD = 24  # an excerpt and its article share text from one of their first LEAD shingles
FULL = 0.8  # containment of the less contained text of a full republication
GAP = 4, 0.01  # unmatched positions inside the shared text still "without differences"
SAME_SITE = 0.9  # containment of both texts for two pages of one site to be copies
RUN = 3  # consecutive shared shingles that place the shared text (a stock phrase is shorter)


@dataclass(frozen=True)
class Side:
    """How much of one text of a pair is found in the other, and where."""

    contained: float  # share of its shingle positions found, template edges left out
    raw: float  # share of its shingle positions found
    head: int  # positions before the first one found
    gap: int  # positions not found between the first and the last found
    span: int  # positions from the first found to the last
    teaser: bool  # the text ends in "Read more" or the like

    @property
    def unbroken(self) -> bool:
        """No differences inside the shared text (beyond a few shingles)."""
        return self.gap <= max(GAP[0], GAP[1] * self.span)


@dataclass(frozen=True)
class Overlap:
    """The overlap of two texts A and B."""

    shared: int  # distinct shingles in both
    size_a: int  # distinct shingles of A
    size_b: int
    a: Side
    b: Side
    exact: bool = False

    @property
    def jaccard(self) -> float:
        union = self.size_a + self.size_b - self.shared
        return self.shared / union if union else 0.0


def _found(seq: NDArray[np.uint64], shingles: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Which positions of `seq` hold a shingle of the sorted set `shingles`."""
    if shingles.size == 0 or seq.size == 0:
        return np.zeros(seq.size, dtype=bool)
    at = np.minimum(np.searchsorted(shingles, seq), shingles.size - 1)
    return np.asarray(shingles[at] == seq)


def _side(found: NDArray[np.bool_], teaser: bool) -> Side:
    """Containment, and where the shared text lies: runs of RUN found positions or more.

    Shorter runs (a stock phrase of five or six words met again elsewhere) count as found but
    do not move the head, the tail or the span of the shared text.
    """
    hits = int(np.count_nonzero(found))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], found.view(np.int8), [0]))))
    starts, ends = edges[::2], edges[1::2]
    solid = ends - starts >= RUN
    raw = hits / found.size if found.size else 0.0
    if not solid.any():
        return Side(raw, raw, found.size, 0, 0, teaser)
    head = int(starts[solid][0])
    last = int(ends[solid][-1])
    tail = found.size - last
    trim = min(min(head, EDGE) + min(tail, EDGE), hits if teaser else hits // 2)
    inside = int(np.count_nonzero(found[head:last]))
    return Side(hits / (found.size - trim), raw, head, last - head - inside, last - head, teaser)


def common_shingles(a: Fingerprint, b: Fingerprint) -> NDArray[np.uint64]:
    """The shingles of both texts, sorted."""
    small, large = (a.shingles, b.shingles) if a.size <= b.size else (b.shingles, a.shingles)
    return small[_found(small, large)]


def overlap(a: Fingerprint, b: Fingerprint, min_shared: int = 0) -> Overlap:
    """The overlap of two fingerprints (symmetric: swapping them swaps the a/b fields).

    Below `min_shared` shared shingles, where the texts' shared parts lie is not measured.
    """
    if a.tokens and a.digest == b.digest:
        whole = Side(1.0, 1.0, 0, 0, a.seq.size, a.teaser)
        return Overlap(a.size, a.size, b.size, whole, replace(whole, teaser=b.teaser), True)
    common = common_shingles(a, b)
    if common.size == 0 or common.size < min_shared:
        none = np.zeros(0, dtype=bool)
        return Overlap(common.size, a.size, b.size, _side(none, a.teaser), _side(none, b.teaser))
    return Overlap(
        int(common.size),
        a.size,
        b.size,
        _side(_found(a.seq, common), a.teaser),
        _side(_found(b.seq, common), b.teaser),
    )


@dataclass(frozen=True)
class Verdict:
    """A confirmed text relation; `a_in_b`: A is the better contained text (the excerpt)."""

    kind: TextKind
    a_in_b: bool


def classify(o: Overlap, same_site: bool = False) -> Verdict | None:
    """The relation between two texts, or None when they are different articles.

    Two pages of one site (`same_site`) share its template: they are copies only when each is
    nearly all found in the other (SAME_SITE), as the same story under two URLs is.
    """
    a_in_b = o.a.contained >= o.b.contained
    inner, outer = (o.a, o.b) if a_in_b else (o.b, o.a)
    if o.exact:
        return Verdict("exact", a_in_b)
    if o.shared < MIN_SHARED or (same_site and min(o.a.raw, o.b.raw) < SAME_SITE):
        return None
    edited = max(inner.raw, outer.raw) >= EDITED[0] and outer.contained >= EDITED[1]
    header = EDGE if inner.teaser else LEAD  # a teaser's unmatched head is its page's header
    lead = inner.contained >= EXCERPT_LINK and inner.head <= header and outer.head <= LEAD
    if not (edited or lead):
        return None
    if not edited:
        return Verdict("excerpt", a_in_b)
    if inner.unbroken:  # A is B's text, or a stretch of it, with nothing changed inside
        if outer.unbroken and outer.contained >= FULL and not inner.teaser:
            return Verdict("full", a_in_b)
        if outer.contained < FULL or inner.teaser:
            return Verdict("excerpt", a_in_b)
    return Verdict("edited", a_in_b)

"""Choosing a story's original: a pure function of its members and the links between them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from scraper.dedupe.model import DedupeDoc, Link, OriginalChoice

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # older dates on a news page are not its own
SLACK = timedelta(days=1)  # time zones and clock skew between the page and our first fetch


def trusted_date(doc: DedupeDoc) -> datetime | None:
    """The publication date if it is believable: not before 1990, not after we first saw it."""
    if doc.published is None:
        return None
    date = _aware(doc.published)
    if date < EARLIEST:
        return None
    if doc.first_seen is not None and date > _aware(doc.first_seen) + SLACK:
        return None
    return date


def evidence_date(doc: DedupeDoc) -> datetime | None:
    """When `doc` is known to have been out: its trusted date, else when we first fetched it."""
    date = trusted_date(doc)
    if date is None and doc.first_seen is not None:
        return _aware(doc.first_seen)
    return date


def _aware(date: datetime) -> datetime:
    return date if date.tzinfo is not None else date.replace(tzinfo=UTC)


def choose_original(docs: Sequence[DedupeDoc], links: Iterable[Link]) -> OriginalChoice:
    """The original among `docs` (one story), by credit, then containment, then date."""
    by_id = {doc.id: doc for doc in docs}
    if not by_id:
        raise ValueError("a story has at least one member")
    if len(by_id) == 1:
        return OriginalChoice(next(iter(by_id)), "alone")
    inside = [link for link in links if link.source in by_id and link.target in by_id]
    candidates = set(by_id)

    pointers = [
        link
        for link in inside
        if link.directed and link.kind in ("credit", "canonical") and link.source != link.target
    ]
    if pointers:
        targets = {link.target for link in pointers}
        roots = targets - {link.source for link in pointers} or targets  # a cycle: all of it
        candidates = roots
        credited = any(link.kind == "credit" and link.target in roots for link in pointers)
        if len(candidates) == 1:
            return OriginalChoice(min(candidates), "credited" if credited else "canonical")

    excerpts = {link.source for link in inside if link.kind == "excerpt" and link.directed}
    if candidates - excerpts and candidates & excerpts:
        candidates -= excerpts
        if len(candidates) == 1:
            return OriginalChoice(min(candidates), "contains")

    dated = {c: d for c in candidates if (d := evidence_date(by_id[c])) is not None}
    if dated:
        earliest = min(dated.values())
        best = sorted(c for c, d in dated.items() if d == earliest)
        tie = len(best) > 1
        return OriginalChoice(best[0], "earliest date", tie, tuple(best) if tie else ())
    tied = tuple(sorted(candidates))
    return OriginalChoice(tied[0], "undated", True, tied)

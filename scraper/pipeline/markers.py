"""Short digests of what a listing and a page said, kept to notice when either changes."""

from __future__ import annotations

import hashlib

from scraper.models import FeedEntry


def entry_marker(entry: FeedEntry) -> str:
    """What the feed says of an entry that, when it changes, calls for a revisit."""
    parts = (
        entry.updated.isoformat() if entry.updated else "",
        entry.title or "",
        entry.summary or "",
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def payload_digest(content: bytes) -> str:
    """The SHA-256 of a page's bytes: the same bytes again are no edit, and need no extraction."""
    return hashlib.sha256(content).hexdigest()

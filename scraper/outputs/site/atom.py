"""Atom feeds of the archive, for people who want to be told: new articles per source, every
edit (with its word diff, computed once when the version was stored), every republication.

Entry ids are URNs built from article ids and version numbers, so they are the same in every
rebuild and a feed reader never shows an entry twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator

from scraper.files import atomic_write
from scraper.outputs.site import paths
from scraper.outputs.site.catalog import Entry, Story
from scraper.store.base import Store

FEEDS = "site/feeds/"
LIMIT = 100  # entries per feed


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _feed(root: Path, feed_id: str, title: str, name: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed_id)
    generator.title(title)
    generator.author({"name": "scraper"})
    generator.link(href=(root / FEEDS / name).as_uri(), rel="self")
    generator.link(href=(root / paths.HOME).as_uri(), rel="alternate")
    generator.language("en")
    return generator


def _write(root: Path, generator: FeedGenerator, name: str, updated: datetime | None) -> None:
    generator.updated(updated or datetime(2000, 1, 1, tzinfo=UTC))
    atomic_write(root / FEEDS / name, generator.atom_str(pretty=True))


def source_feed_name(source: str) -> str:
    return "source-" + paths.source(source).rstrip("/").rsplit("/", 1)[1] + ".xml"


def write_feeds(
    store: Store, root: Path, entries: Sequence[Entry], stories: dict[str, Story]
) -> list[str]:
    """Write every feed under site/feeds/; returns their file names."""
    written = []
    by_source: dict[str, list[Entry]] = {}
    for entry in entries:
        by_source.setdefault(entry.source, []).append(entry)
    for source, members in sorted(by_source.items()):
        latest = sorted(members, key=lambda e: (e.first_seen, e.id), reverse=True)[:LIMIT]
        name = source_feed_name(source)
        generator = _feed(root, f"urn:scraper:source:{source}", f"{source}: new articles", name)
        for entry in reversed(latest):
            item = generator.add_entry()
            item.id(f"urn:scraper:article:{entry.id}")
            item.title(entry.label)
            item.link(href=entry.url)
            item.link(href=(root / paths.article(entry.id)).as_uri(), rel="related")
            item.updated(_utc(entry.first_seen))
            item.published(_utc(entry.published or entry.first_seen))
        _write(root, generator, name, _utc(latest[0].first_seen) if latest else None)
        written.append(name)
    written.append(_changes(store, root))
    written.append(_republications(root, entries, stories))
    return written


def _changes(store: Store, root: Path) -> str:
    name = "changes.xml"
    generator = _feed(root, "urn:scraper:changes", "Edits to archived articles", name)
    edits = store.recent_versions(LIMIT)
    for article, version in reversed(edits):
        number = version.number
        diff = version.word_diff or version.diff or ""
        if not diff.strip():
            continue  # never an empty diff
        item = generator.add_entry()
        item.id(f"urn:scraper:version:{article.id}:{number}")
        item.title(f"Edited (v{number}): {version.title or article.url}")
        item.link(href=article.url)
        item.link(href=(root / paths.history(article.id)).as_uri(), rel="related")
        item.updated(_utc(version.fetched_at))
        item.content(diff, type="text")
    _write(root, generator, name, _utc(edits[0][1].fetched_at) if edits else None)
    return name


def _republications(root: Path, entries: Sequence[Entry], stories: dict[str, Story]) -> str:
    name = "stories.xml"
    generator = _feed(root, "urn:scraper:stories", "Republications", name)
    by_id = {entry.id: entry for entry in entries}
    copies = []
    for story in stories.values():
        original = by_id.get(story.original or "")
        for member in story.members:
            if member != story.original and member in by_id:
                copies.append((by_id[member], original, story))
    copies.sort(key=lambda c: (c[0].first_seen, c[0].id))
    for copy, original, story in copies[-LIMIT:]:
        item = generator.add_entry()
        item.id(f"urn:scraper:republication:{story.id}:{copy.id}")
        named = f"{original.label} ({original.url})" if original else "an original not archived"
        item.title(f"{copy.source} republished: {copy.label}")
        item.link(href=copy.url)
        item.link(href=(root / paths.story(story.id)).as_uri(), rel="related")
        item.updated(_utc(copy.first_seen))
        item.content(f"Copy: {copy.url}\nOriginal: {named}", type="text")
    _write(root, generator, name, _utc(copies[-1][0].first_seen) if copies else None)
    return name

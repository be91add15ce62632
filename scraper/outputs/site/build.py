"""Writing the static site into the archive folder, rewriting only the pages that changed.

Every page the site should have is a `Job` whose key digests what the page shows: for an article
its versions, last check, story and the other copies' titles; for a list the rows on it; for the
search index's files the articles they index (see `search`). The
manifest `site/.build.json` keeps each page's key from the last build, so a rebuild after a
fetch renders and writes only pages whose key moved (new and changed articles, the last page of
each list they join, the home page), and deletes pages that are gone. `full=True` rewrites all.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from scraper.errors import StorageError
from scraper.files import atomic_write, inside, temp_file
from scraper.models import Source
from scraper.outputs.site import paths
from scraper.outputs.site.article import article_page, compare_page, history_page, story_page
from scraper.outputs.site.atom import write_feeds
from scraper.outputs.site.catalog import Entry, Story, load_entries, source_views
from scraper.outputs.site.html import SITE_VERSION, Job, fingerprint
from scraper.outputs.site.indexes import home_job, list_jobs, story_index
from scraper.outputs.site.search import search_jobs
from scraper.outputs.site.stories import load_stories
from scraper.store.base import Store
from scraper.store.tree import SCREENSHOT_FILE

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class BuildReport:
    """What a build did; `pages_written` counts every file written, articles' included."""

    articles: int
    pages: int  # pages the site has
    pages_written: int
    article_pages_written: int
    pages_removed: int
    seconds: float
    full: bool

    def summary(self) -> str:
        kind = "full build" if self.full else "update"
        return (
            f"site {kind}: {self.pages_written} pages written ({self.article_pages_written} "
            f"articles), {self.pages_removed} removed, {self.pages} in all, "
            f"{self.seconds:.2f} s"
        )


def build_site(
    store: Store, archive_root: Path, sources: list[Source] | None = None, *, full: bool = False
) -> BuildReport:
    """Bring `<archive_root>/index.html` and `<archive_root>/site/` up to date with the index."""
    started = time.perf_counter()
    root = Path(archive_root)
    try:
        with _locked(root):
            old = _read_manifest(root)
            states = store.source_states()
            names = [s.name for s in sources or ()] + [s.name for s in states]
            entries = load_entries(store, names)
            views = source_views(store, sources, {e.source for e in entries}, states)
            stories = load_stories(store, entries)
            jobs = [
                home_job(entries, views, stories),
                *list_jobs(entries, views, stories),
                *_article_jobs(store, root, entries, stories),
                *search_jobs(store, entries, story_index(stories)),
            ]
            written, articles, keys = _write(root, jobs, {} if full else old)
            removed = _remove(root, set(old) - set(keys))
            _write_manifest(root, keys, len(entries))
            write_feeds(store, root, entries, stories)
    except OSError as error:
        raise StorageError(f"{root}: cannot write the site: {error}") from None
    return BuildReport(
        len(entries), len(keys), written, articles, removed, time.perf_counter() - started, full
    )


def _article_jobs(
    store: Store, root: Path, entries: Sequence[Entry], stories: Mapping[str, Story]
) -> Iterator[Job]:
    by_id = {e.id: e for e in entries}
    story_of: dict[str, Story] = {}
    story_keys: dict[str, str] = {}
    for story in stories.values():
        members = (by_id[m] for m in story.members if m in by_id)
        story_keys[story.id] = fingerprint(
            "story",
            story.original,
            story.reason,
            *story.relations,
            *(f"{m.key}\x1f{m.url}" for m in members),
        )
        story_of.update(dict.fromkeys(story.members, story))
        yield Job(paths.story(story.id), story_keys[story.id], partial(story_page, story, by_id))
        original = by_id.get(story.original or "")
        if original is not None:  # each copy's comparison with it
            yield from _compare_jobs(store, story, original, by_id)
    for entry in entries:
        own = story_of.get(entry.id)
        key = fingerprint(
            "article",
            entry.key,
            entry.last_seen,
            entry.original_url,
            entry.story_id,
            story_keys[own.id] if own else "",
        )
        yield Job(paths.article(entry.id), key, partial(_article, store, root, entry, own, by_id))
        if entry.versions > 1:
            yield Job(
                paths.history(entry.id),
                fingerprint("history", entry.key, entry.last_seen),
                partial(_history, store, entry),
            )


def _article(
    store: Store, root: Path, entry: Entry, story: Story | None, by_id: Mapping[str, Entry]
) -> str | None:
    article = store.get_article(entry.id)
    if article is None:  # deleted since the entries were read
        return None
    has_files = (root / article.path / "article.md").is_file()
    shot = (root / article.path / SCREENSHOT_FILE).is_file()
    return article_page(
        article, entry, story, by_id, article.path if has_files else None, screenshot=shot
    )


def _compare_jobs(
    store: Store, story: Story, original: Entry, by_id: Mapping[str, Entry]
) -> Iterator[Job]:
    for copy in (by_id[m] for m in story.members if m in by_id and m != original.id):
        yield Job(
            paths.compare(copy.id),
            fingerprint("compare", copy.key, original.key, story.relation(copy.id)),
            partial(_compare, store, story, original, copy),
        )


def _compare(store: Store, story: Story, original: Entry, copy: Entry) -> str | None:
    first, second = store.get_article(original.id), store.get_article(copy.id)
    if first is None or second is None:
        return None
    return compare_page(story, first, second)


def _history(store: Store, entry: Entry) -> str | None:
    article = store.get_article(entry.id)
    if article is None:
        return None
    return history_page(article, entry, list(store.iter_versions(entry.id)))


def _write(
    root: Path, jobs: Sequence[Job], old: Mapping[str, str]
) -> tuple[int, int, dict[str, str]]:
    """Render and write each job whose key changed; the keys of the pages now on disk."""
    written = articles = 0
    keys: dict[str, str] = {}
    folders: set[Path] = set()
    for job in jobs:
        if old.get(job.path) == job.key:
            keys[job.path] = job.key
            continue
        html = job.render()
        if html is None:
            continue
        _put(root / job.path, html, folders)
        keys[job.path] = job.key
        written += 1
        articles += job.path.startswith("site/articles/") and not job.path.endswith("-history.html")
    if written:
        os.sync()  # once for the build, before the manifest says these pages are current
    return written, articles, keys


def _put(path: Path, html: str, folders: set[Path]) -> None:
    """`atomic_write` less its fsync: readers see the old page or the new, never half of one.

    A page is cheap to rebuild, and one fsync per page (milliseconds each) would dominate a full
    build, so `_write` syncs once for all pages before the manifest (which `atomic_write` writes
    durably) records them: after a crash, pages the old manifest does not vouch for are rebuilt.
    """
    if path.parent not in folders:
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
    fd, tmp = temp_file(path.parent, ".html")  # the umask's mode, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(html.encode("utf-8", "surrogatepass"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove(root: Path, stale: set[str]) -> int:
    """Delete pages the site no longer has (only files under site/ the manifest named: pages,
    and the search index's scripts)."""
    removed = 0
    site = root / "site"
    for path in stale:
        if not (path.startswith("site/") and path.endswith(".html")) and not (
            path.startswith(paths.SEARCH_FILES) and path.endswith(".js")
        ):
            continue
        target = inside(site, path.removeprefix("site/"))
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
            removed += 1
    return removed


def _read_manifest(root: Path) -> dict[str, str]:
    """The page keys of the last build; empty (so everything is rewritten) if unreadable."""
    try:
        data: Any = json.loads((root / paths.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return {}
    pages = data.get("pages")
    return {str(k): str(v) for k, v in pages.items()} if isinstance(pages, dict) else {}


def _write_manifest(root: Path, keys: Mapping[str, str], articles: int) -> None:
    data = {
        "format": MANIFEST_FORMAT,
        "site_version": SITE_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": articles,
        "pages": dict(sorted(keys.items())),
    }
    atomic_write(root / paths.MANIFEST, json.dumps(data, separators=(",", ":")) + "\n")


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One build at a time per archive: a fetch's rebuild and `build-site` may overlap."""
    lock = root / paths.LOCK
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""List pages (all articles, a source, a day, stories) paginated so that old pages stay put.

Lists run by publication date (an undated article by when it was first archived), newest first,
each row with the archive date beside it and its place in a story (original or copy) marked.
A list is cut into pages of `PER_PAGE` counted from its oldest item: page 1 holds the oldest
hundred, and new articles (mostly published last) mostly touch the last page. `index.html` shows the newest page (and
the one before it when the newest is not full), so a reader starts with the latest items while
a rebuild after a fetch rewrites two or three list pages, not hundreds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from scraper.outputs.site import paths
from scraper.outputs.site.catalog import Entry, Story
from scraper.outputs.site.dates import published_label
from scraper.outputs.site.html import Job, esc, fingerprint, link, page, when

PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a list: an entry, the page it links to, a note (e.g. "3 copies"), and its
    role in its story ("original", "copy", "member" or "") with the story's id."""

    entry: Entry
    target: str
    note: str = ""
    role: str = ""
    story: str = ""

    @property
    def key(self) -> str:
        return f"{self.entry.key}\x1f{self.target}\x1f{self.note}\x1f{self.role}\x1f{self.story}"


def row_of(entry: Entry, story: Story | None = None, note: str = "") -> Row:
    role = story.role(entry.id) if story else ""
    return Row(entry, paths.article(entry.id), note, role, story.id if story else "")


def by_published(entries: Sequence[Entry]) -> list[Entry]:
    """Oldest published first (undated ones by first archived), as lists keep their rows."""
    return sorted(entries, key=lambda e: (e.when, e.id))


def _role(path: str, row: Row) -> str:
    """The row's mark: the original links to its story, a copy to its comparison with it."""
    if row.role == "original":
        return " " + link(path, paths.story(row.story), "original", "badge orig")
    if row.role == "copy":
        return " " + link(path, paths.compare(row.entry.id), "copy: compare", "badge copy")
    if row.role == "member":
        return " " + link(path, paths.story(row.story), "one of several copies", "badge")
    return ""


def render_rows(path: str, rows: Sequence[Row], *, show_source: bool = True) -> str:
    """An <ol> of rows, newest first (rows come oldest first)."""
    items = []
    for row in reversed(rows):
        e = row.entry
        extra = (
            f' <span class="small">· {link(path, paths.source_index(e.source), e.source)}</span>'
            if show_source
            else ""
        )
        badges = f' <span class="badge">{e.versions} versions</span>' if e.versions > 1 else ""
        badges += f' <span class="badge">{esc(row.note)}</span>' if row.note else ""
        items.append(
            f'<li><span class="when">{published_label(e.published) if e.published else "undated"}'
            "</span>"
            f"{link(path, row.target, e.label)}{extra}{_role(path, row)}{badges}"
            f' <span class="small archived">archived {when(e.first_seen)}</span></li>'
        )
    if not items:
        return '<p class="muted">Nothing archived yet.</p>'
    return '<ol class="items">' + "\n".join(items) + "</ol>"


@dataclass(frozen=True)
class Listing:
    """A paginated list: its folder, its title, its rows oldest first, and what tops its index."""

    folder: str
    title: str
    rows: Sequence[Row]
    crumbs: Callable[[str], str] = lambda path: ""
    intro: Callable[[str], str] = lambda path: ""  # HTML above the index page's list
    intro_key: str = ""  # a digest of what `intro` shows
    show_source: bool = True
    order: str = "newest published first"
    nouns: tuple[str, str] = ("article", "articles")


def _chunks(rows: Sequence[Row]) -> list[Sequence[Row]]:
    return [rows[i : i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]


def _span(rows: Sequence[Row]) -> str:
    first, last = min(r.entry.when for r in rows), max(r.entry.when for r in rows)
    a, b = when(first, time=False), when(last, time=False)
    return a if a == b else f"{a} – {b}"


def listing_jobs(listing: Listing) -> Iterator[Job]:
    """The index page, one page per chunk and a table of the chunks (when there are several)."""
    chunks = _chunks(listing.rows)
    count = len(chunks)
    shown = 2 if count > 1 and len(chunks[-1]) < PER_PAGE else min(count, 1)
    older = count - shown  # the newest page not on the index, 0 when none
    rows = [r for chunk in chunks[count - shown :] for r in chunk]
    index = listing.folder + "index.html"
    keys = [r.key for r in rows]
    yield Job(
        index,
        fingerprint("index", listing.title, listing.intro_key, len(listing.rows), older, *keys),
        lambda: _render(listing, index, rows, older=older, total=count),
    )
    if count < 2:
        return
    for number, chunk in enumerate(chunks, start=1):
        path = f"{listing.folder}p{number}.html"
        newest = number == count
        yield Job(
            path,
            fingerprint("chunk", listing.title, number, newest, *(r.key for r in chunk)),
            _chunk_renderer(listing, path, chunk, number, newest),
        )
    spans = [(n, len(c), _span(c)) for n, c in enumerate(chunks, start=1)]
    table = listing.folder + "pages.html"
    yield Job(
        table,
        fingerprint("pages", listing.title, *spans),
        lambda: _render_pages(listing, table, spans),
    )


def _pager(path: str, listing: Listing, newer: int | None, older: int | None, total: int) -> str:
    parts = []
    if newer is not None:
        target = f"{listing.folder}p{newer}.html" if newer else listing.folder + "index.html"
        parts.append(link(path, target, "← Newer" if newer else "← Newest"))
    if older:
        parts.append(link(path, f"{listing.folder}p{older}.html", "Older →"))
    if total > 1:
        parts.append(link(path, listing.folder + "pages.html", "All pages"))
    return f'<nav class="pager">{" ".join(parts)}</nav>' if parts else ""


def _render(listing: Listing, path: str, rows: Sequence[Row], *, older: int, total: int) -> str:
    count = len(listing.rows)
    body = (
        f"<h1>{esc(listing.title)}</h1>{listing.intro(path)}"
        f'<p class="muted">{count:,} {listing.nouns[count != 1]}, {listing.order}.</p>'
        f"{render_rows(path, rows, show_source=listing.show_source)}"
        f"{_pager(path, listing, None, older, total)}"
    )
    return page(path, listing.title, body, crumbs=listing.crumbs(path))


def _chunk_renderer(
    listing: Listing, path: str, chunk: Sequence[Row], number: int, newest: bool
) -> Callable[[], str]:
    def render() -> str:
        title = f"{listing.title}: page {number}"
        body = (
            f"<h1>{esc(title)}</h1>"
            f'<p class="muted">{_span(chunk)}, {listing.order}.</p>'
            f"{_pager(path, listing, 0 if newest else number + 1, number - 1, 2)}"
            f"{render_rows(path, chunk, show_source=listing.show_source)}"
            f"{_pager(path, listing, 0 if newest else number + 1, number - 1, 2)}"
        )
        return page(path, title, body, crumbs=listing.crumbs(path))

    return render


def _render_pages(listing: Listing, path: str, spans: Sequence[tuple[int, int, str]]) -> str:
    lines = "".join(
        f"<tr><td>{link(path, f'{listing.folder}p{n}.html', f'Page {n}')}</td>"
        f"<td>{size}</td><td>{esc(span)}</td></tr>"
        for n, size, span in reversed(spans)
    )
    body = (
        f"<h1>{esc(listing.title)}: all pages</h1>"
        f"<p>{link(path, listing.folder + 'index.html', '← Newest')}</p>"
        f"<table><tr><th>Page</th><th>Articles</th><th>Dates</th></tr>{lines}</table>"
    )
    return page(path, f"{listing.title}: all pages", body, crumbs=listing.crumbs(path))

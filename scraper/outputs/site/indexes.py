"""The site's entry points: the home page, and the lists by source, by day, of everything and of
stories, each as `Job`s (pure: entries and source health in, page digests and renderers out)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from itertools import groupby

from scraper.outputs.site import paths
from scraper.outputs.site.catalog import Entry, SourceView, Story
from scraper.outputs.site.html import Job, esc, ext_link, fingerprint, link, page, when
from scraper.outputs.site.lists import Listing, Row, by_published, listing_jobs, render_rows, row_of

RECENT = 30  # articles on the home page


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def _home_crumb(path: str) -> str:
    return link(path, paths.HOME, "Home")


def _status_badge(health: SourceView) -> str:
    cls = {"ok": "ok", "failing": "bad", "disabled": "bad"}.get(health.status, "")
    return f'<span class="badge {cls}">{esc(health.status)}</span>'


def _health_table(path: str, sources: Sequence[SourceView]) -> str:
    rows = []
    for h in sources:
        error = h.state.last_error or ""
        if h.state.disabled:
            error = f"disabled: {h.state.disabled}"
        rows.append(
            f"<tr><td>{link(path, paths.source_index(h.name), h.name)}"
            f" {_status_badge(h)}</td><td>{h.state.articles:,}</td>"
            f'<td class="nowrap">{when(h.state.last_success)}</td>'
            f'<td class="small">{esc(error[:160]) or "–"}</td></tr>'
        )
    return (
        "<table><tr><th>Source</th><th>Articles</th><th>Last success</th>"
        f"<th>Last error</th></tr>{''.join(rows)}</table>"
    )


def _source_intro(health: SourceView | None, path: str) -> str:
    if health is None:
        return ""
    s = health.state
    error = f"disabled: {s.disabled}" if s.disabled else s.last_error
    return (
        f'<dl class="meta"><dt>{esc(health.kind.capitalize())}</dt>'
        f"<dd>{ext_link(health.url) if health.url else '–'}</dd>"
        f"<dt>Status</dt><dd>{_status_badge(health)}"
        f"{f' ({s.failures} failed polls in a row)' if s.failures else ''}</dd>"
        f"<dt>Last poll</dt><dd>{when(s.last_poll)}</dd>"
        f"<dt>Last success</dt><dd>{when(s.last_success)}</dd>"
        f"<dt>Last error</dt><dd>{esc(error) or '–'}</dd>"
        f"<dt>Next poll</dt><dd>{when(s.next_poll)}</dd></dl>"
    )


def story_index(stories: Mapping[str, Story]) -> dict[str, Story]:
    """Each member's story, by article id."""
    return {member: story for story in stories.values() for member in story.members}


def home_job(
    entries: Sequence[Entry], sources: Sequence[SourceView], stories: Mapping[str, Story]
) -> Job:
    """The home page: the sources' health and the articles archived last (entries come in
    archive order)."""
    story_of = story_index(stories)
    recent = [row_of(e, story_of.get(e.id)) for e in entries[-RECENT:]]
    key = fingerprint(
        "home", len(entries), len(stories), *(h.key for h in sources), *(r.key for r in recent)
    )

    def render() -> str:
        newest = f" The newest was archived {when(entries[-1].first_seen)}." if entries else ""
        body = (
            f"<h1>News archive</h1><p>{_count(len(entries), 'article')} from "
            f"{_count(len(sources), 'source')}; {_count(len(stories), 'story', 'stories')} "
            f"published more than once.{newest}</p>"
            f"<h2>Sources</h2>{_health_table(paths.HOME, sources)}"
            f"<h2>Recently archived</h2>{render_rows(paths.HOME, recent)}"
            f'<nav class="pager">{link(paths.HOME, paths.SEARCH, "Search and filter →")}'
            f"{link(paths.HOME, paths.ALL + 'index.html', 'All articles →')}"
            f"{link(paths.HOME, paths.DAYS, 'By day →')}"
            f"{link(paths.HOME, paths.STORIES + 'index.html', 'Stories →')}</nav>"
        )
        return page(paths.HOME, "Home", body)

    return Job(paths.HOME, key, render)


def list_jobs(
    entries: Sequence[Entry], sources: Sequence[SourceView], stories: Mapping[str, Story]
) -> Iterator[Job]:
    """Every list page: all articles, each source, each day, the days, the stories; each list
    by publication date."""
    story_of = story_index(stories)
    published = by_published(entries)
    rows = [row_of(e, story_of.get(e.id)) for e in published]
    yield from listing_jobs(Listing(paths.ALL, "All articles", rows, crumbs=_home_crumb))
    by_source: dict[str, list[Row]] = {h.name: [] for h in sources}
    for row in rows:
        by_source.setdefault(row.entry.source, []).append(row)
    health = {h.name: h for h in sources}
    for name, source_rows in by_source.items():
        h = health.get(name)
        yield from listing_jobs(
            Listing(
                paths.source(name),
                name,
                source_rows,
                crumbs=_home_crumb,
                show_source=False,
                intro=partial(_source_intro, h),
                intro_key=h.key if h else "",
            )
        )
    days = []
    for day, group in groupby(sorted(rows, key=lambda r: r.entry.day), key=lambda r: r.entry.day):
        day_rows = list(group)
        days.append((day, len(day_rows)))
        yield from listing_jobs(
            Listing(paths.day(day), f"Articles of {day}", day_rows, crumbs=_days_crumb)
        )
    yield Job(paths.DAYS, fingerprint("days", *days), lambda: _render_days(days))
    yield from listing_jobs(
        Listing(
            paths.STORIES,
            "Stories",
            _story_rows(entries, stories),
            crumbs=_home_crumb,
            nouns=("story", "stories"),
            order="by the original's publication date, newest first",
        )
    )


def _days_crumb(path: str) -> str:
    return f"{_home_crumb(path)} › {link(path, paths.DAYS, 'Days')}"


def _story_rows(entries: Sequence[Entry], stories: Mapping[str, Story]) -> list[Row]:
    """One row per story, filed by its original's date (its earliest member's when none is)."""
    by_id = {e.id: e for e in entries}
    rows = []
    for story in stories.values():
        members = [by_id[m] for m in story.members if m in by_id]
        if len(members) < 2:
            continue
        lead = by_id.get(story.original or "") or min(members, key=lambda e: (e.when, e.id))
        rows.append(
            (lead.when, lead.id, Row(lead, paths.story(story.id), f"{len(members)} copies"))
        )
    return [row for *_, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def _render_days(days: Sequence[tuple[str, int]]) -> str:
    path = paths.DAYS
    parts = []
    for month, group in groupby(reversed(days), key=lambda d: d[0][:7]):
        links = " ".join(
            f"<li>{link(path, paths.day(day) + 'index.html', day[8:])}"
            f' <span class="small">{count}</span></li>'
            for day, count in group
        )
        parts.append(f'<h2>{esc(month)}</h2><ul class="days">{links}</ul>')
    body = "<h1>Articles by day of publication</h1>" + (
        "".join(parts) or '<p class="muted">Nothing archived yet.</p>'
    )
    return page(path, "Days", body, crumbs=_home_crumb(path))

"""Which of the dates a page offers is its publication date, and on which day the page put it.

The evidence, strongest first: JSON-LD datePublished and the publication meta tags, `<time>`
values, the date in the URL, the feed entry, the date readers see next to the headline; where
none is found, htmldate's reading of the whole page. The chosen instant is then shown in the
page's own offset: a UTC timestamp takes the offset of the visible local time of the same
instant (`dates.localise`) or, failing that, the day its URL gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from scraper.extract.dates import (
    DateMatch,
    find_date,
    localise,
    parse_date,
    second_opinion,
    url_date,
)
from scraper.extract.evidence import PageEvidence

__all__ = ["first_date", "on_url_day", "published_date"]


def first_date(
    raws: Iterable[str | None], languages: Sequence[str], zone: tzinfo
) -> datetime | None:
    """The first of `raws` that parses as a date."""
    for raw in raws:
        value = parse_date(raw, languages=languages, tz=zone) if raw else None
        if value:
            return value
    return None


def on_url_day(chosen: datetime, url: str | None) -> datetime:
    """A UTC timestamp shown on the day its URL names, when that is the day before or after.

    '/2025/12/18/' with 2025-12-19T02:41Z: the page was dated on the 18th where it was written,
    at a negative offset. Only the instant is known, not the offset, so the smallest whole-hour
    offset that puts the instant on the URL's day stands in for it, within the offsets where most
    of the world's news is written (-8 to +11 hours); other times stay as they are.
    """
    day = url_date(url)
    if day is None or chosen.utcoffset() != timedelta(0):
        return chosen
    shift = (day.date() - chosen.date()).days
    if shift == -1 and chosen.hour < 8:
        hours = -(chosen.hour + 1)
    elif shift == 1 and chosen.hour >= 13:
        hours = 24 - chosen.hour
    else:
        return chosen
    return chosen.astimezone(timezone(timedelta(hours=hours)))


def published_date(
    p: PageEvidence,
    marked: Sequence[str | None],
    entry_published: datetime | None,
    languages: Sequence[str],
    zone: tzinfo | None,
) -> datetime | None:
    """The publication date from the page's evidence (`marked`: its JSON-LD and meta values,
    strongest first)."""
    tz, url = zone or UTC, p.url
    published = (
        first_date(marked, languages, tz)
        or first_date(p.time_attrs(), languages, tz)
        or url_date(url)
        or entry_published
    )
    if published is None or published.utcoffset() == timedelta(0):
        # only then does the visible date matter: as the last resort, or to show the local day
        seen: list[DateMatch] = [
            m for t in p.visible_dates() if (m := find_date(t, languages=languages, tz=tz))
        ]
        if published is None:
            published = seen[0].value if seen else None
        else:
            local = localise(published, seen)
            published = on_url_day(published, url) if local is published else local
    if published is None:  # a second opinion, paid for only on the few pages our rules miss
        published = second_opinion(p.tree, url, tz)
    return published

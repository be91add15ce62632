"""Which of the dates a page offers is its publication date, and on which day the page put it.

The evidence, strongest first: JSON-LD datePublished and the publication meta tags, `<time>`
values, the date in the URL, the feed entry, the date readers see next to the headline; where
none is found, htmldate's reading of the whole page. One exception: the date shown right under
the headline, not labelled as an update, beats a date of those sources more than a day away
from it (metadata keeps stale stamps on pages re-dated for readers). And metadata that gives one
stamp as both publication and modification dates only the page's last save: a date readers see
under the headline or in a `<time>`, on an earlier day, even an update's, is the nearer one.
The chosen instant is then shown in the page's own offset: a UTC timestamp takes the offset of
the visible local time of the same instant (`dates.localise`) or, failing that, the day its URL
gives.

Where our evidence and htmldate's reading of the markup disagree, ours is kept: on wcxb-dev's
tune half ours was right on 28 such pages, htmldate on 10 (a visible or `<time>` date
against htmldate's pick among the markup: ours; a metadata date against htmldate's: htmldate,
mostly by taking the modified date, which helped the tune half and cost the check half).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from lxml import html as lxml_html

from scraper.extract.authors import in_comments
from scraper.extract.dates import (
    DateMatch,
    find_date,
    localise,
    parse_date,
    second_opinion,
    url_date,
)
from scraper.extract.evidence import PageEvidence
from scraper.extract.languages import alternation, words

__all__ = ["first_date", "on_url_day", "published_date", "shown_date"]


def _label_before(key: str) -> re.Pattern[str]:
    """One of a language table's labels (whole words: "Stand", not "Zustand") ending a text, but
    for up to two words after it ("Updated on", "Stand vom"): the label of the date that follows."""
    return re.compile(
        r"\b(?:" + alternation(words(key)) + r")\b[^\w]*(?:\w+[^\w]+){0,2}$", re.IGNORECASE
    )


# An update's label just before a date: "Updated on", "Last updated:", "mis à jour le", "Stand:".
_UPDATE_LABEL = _label_before("update_labels")
# A member's date in a forum post's header ("Joined: 4. Jul 2012"): neither publication nor update.
_MEMBER_LABEL = _label_before("member_labels")
SHOWN_CHARS = 250  # a date this far into the text after the headline is no longer its byline's


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


def _in_comments(el: lxml_html.HtmlElement | None) -> bool:
    """A comment's date is not the article's: the element or one above it is a comment thread."""
    if el is None:
        return False
    marks = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return "comment" in marks or in_comments(el)


def shown_date(
    p: PageEvidence, languages: Sequence[str], tz: tzinfo, *, updates: bool = False
) -> datetime | None:
    """The date readers see right under the headline, unless it is labelled as an update (taken
    too with `updates`) or as a member's ('Joined: 4. Jul 2012' in a forum post's header)."""
    if p.anchor is None:
        return None
    texts = [t for t in p.after_anchor() if not _in_comments(t.getparent())]
    text = " ".join(" ".join(texts).split())[: SHOWN_CHARS + 40]
    found = find_date(text, languages=languages, tz=tz)
    if found is None or found.start > SHOWN_CHARS:
        return None
    label = text[max(0, found.start - 40) : found.start]
    if _MEMBER_LABEL.search(label) or (not updates and _UPDATE_LABEL.search(label)):
        return None
    return found.value


def _saved_stamp(published: datetime, updated: datetime | None) -> bool:
    """Metadata that gives one stamp, to the second (whatever offset each is written with), as
    both publication and modification: the time the page was last saved (or rendered), which
    says nothing of when it was first published."""
    return updated is not None and published.replace(tzinfo=None) == updated.replace(tzinfo=None)


def _shown_before(
    p: PageEvidence, stamp: datetime, languages: Sequence[str], tz: tzinfo
) -> datetime | None:
    """A date readers see under the headline (an update's too), else in the first `<time>`,
    on a day before `stamp`: a page was not shown, nor updated, before it was published."""
    seen = shown_date(p, languages, tz, updates=True) or first_date(p.time_texts(), languages, tz)
    return seen if seen is not None and seen.date() < stamp.date() else None


def published_date(
    p: PageEvidence,
    marked: Sequence[str | None],
    entry_published: datetime | None,
    updated: datetime | None,
    languages: Sequence[str],
    zone: tzinfo | None,
) -> datetime | None:
    """The publication date from the page's evidence (`marked`: its JSON-LD and meta values,
    strongest first; `updated`: the page's modified date, after which a date shown under the
    headline is an event's, not the publication's)."""
    tz, url = zone or UTC, p.url
    stamped = first_date(marked, languages, tz)
    if stamped is not None and _saved_stamp(stamped, updated):
        stamped = _shown_before(p, stamped, languages, tz) or stamped
    published = (
        stamped or first_date(p.time_attrs(), languages, tz) or url_date(url) or entry_published
    )
    shown = shown_date(p, languages, tz) if published is not None else None
    if (
        shown is not None
        and published is not None
        and abs((shown.date() - published.date()).days) > 1
        and (updated is None or shown.date() <= updated.date() + timedelta(days=1))
    ):
        return shown
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
        published = second_opinion(
            p.tree, url, tz, text=" ".join(p.text.nodes), languages=languages, modified=updated
        )
    return published

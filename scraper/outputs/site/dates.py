"""Publication dates as precisely as the page gave them, in the page's own offset.

The index keeps a publication date as an instant in UTC to the second; a page that gave only a
day is kept as midnight UTC (the date parsers' default), so midnight is read as "no time given"
rather than shown as a "00:00 UTC" the page never said. A date that still carries the page's own
offset (`+02:00`) is shown in it, so readers see the clock the page showed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta


def has_time(value: datetime) -> bool:
    """False for a date the page gave without a time (kept as midnight, in its offset)."""
    return value.time() != time(0)


def published_label(value: datetime | None) -> str:
    """`2026-05-21`, `2026-05-21 14:03 UTC` or `2026-05-21 16:03 +02:00`; "–" when unknown."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not has_time(value):
        return value.strftime("%Y-%m-%d")
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M ") + _offset(offset)


def published_day(value: datetime) -> str:
    """The day the page's readers saw: the date in the page's own offset."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).strftime("%Y-%m-%d")


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"

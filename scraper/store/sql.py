"""The SQL both indexes speak: how a shared statement is written, and how its rows read back.

A statement shared by SQLite and PostgreSQL is written once, in SQLite's `?` style, and runs as
it is on SQLite; `to_psycopg` gives psycopg's `%s` style (once per statement text: values are
always bound, so the texts are a fixed set). It uses only what both engines read alike:
`ON CONFLICT` upserts, `NOT flag` for booleans (SQLite keeps 0/1 and binds Python booleans so),
named columns (PostgreSQL's articles carry a search vector no one should read by accident), and
no `?` inside a literal. Rows are read by column name (`sqlite3.Row` and psycopg's `dict_row`
both allow it). Times are what differs: ISO strings on SQLite, `timestamptz` on PostgreSQL, so
the record functions take the index's own reader.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from scraper.models import StoredArticle, StoredVersion, WarcLocation
from scraper.store.base import FetchRecord, SourceState
from scraper.store.connection import TimeReader


def utc_second(value: datetime | None) -> datetime | None:
    """A time as both indexes keep it: aware, in UTC, to the second (a naive one is UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


@functools.cache
def to_psycopg(sql: str) -> str:
    """A `?` statement in psycopg's style: `%s` for each `?`, a literal `%` doubled."""
    return sql.replace("%", "%%").replace("?", "%s")


# What `stored_article` and `stored_version` read, in the tables' order.
ARTICLE_FIELDS = (
    "id",
    "url",
    "source",
    "guid",
    "title",
    "authors",
    "published",
    "updated",
    "language",
    "tags",
    "text",
    "markdown",
    "canonical_url",
    "original_url",
    "original_source",
    "description",
    "image",
    "story_id",
    "versions",
    "first_seen",
    "last_seen",
    "path",
    "extraction_error",
    "published_offset",
    "updated_offset",
)
VERSION_FIELDS = (
    "version",
    "fetched_at",
    "title",
    "authors",
    "published",
    "updated",
    "text",
    "markdown",
    "warc_file",
    "warc_offset",
    "minor",
    "diff",
    "word_diff",
    "published_offset",
    "updated_offset",
)
ARTICLE_COLUMNS = ", ".join(ARTICLE_FIELDS)
VERSION_COLUMNS = ", ".join(VERSION_FIELDS)


def offset_of(value: datetime | None) -> int | None:
    """Minutes east of UTC of the zone a page wrote a time in (kept beside the UTC instant)."""
    shift = value.utcoffset() if value is not None else None
    return None if shift is None else int(shift.total_seconds() // 60)


def as_written(value: datetime | None, offset: int | None) -> datetime | None:
    """A stored instant in the zone the page wrote it in: its day and hour as the page gave
    them (a page in New York at 23:30 wrote that day, not the next day's UTC)."""
    if value is None or offset is None:
        return value
    return value.astimezone(timezone(timedelta(minutes=offset)))


def stored_article(r: Any, dt: TimeReader) -> StoredArticle:
    return StoredArticle(
        id=r["id"],
        url=r["url"],
        source=r["source"],
        title=r["title"],
        authors=tuple(json.loads(r["authors"])),
        published=as_written(dt(r["published"]), r["published_offset"]),
        updated=as_written(dt(r["updated"]), r["updated_offset"]),
        language=r["language"],
        tags=tuple(json.loads(r["tags"])),
        text=r["text"],
        markdown=r["markdown"],
        canonical_url=r["canonical_url"],
        original_url=r["original_url"],
        story_id=r["story_id"],
        versions=r["versions"],
        first_seen=dt(r["first_seen"]) or datetime.min,
        last_seen=dt(r["last_seen"]) or datetime.min,
        path=r["path"],
        description=r["description"],
        extra={
            "original_source": r["original_source"],
            "image": r["image"],
            "guid": r["guid"],
            "extraction_error": r["extraction_error"],
        },
    )


def stored_version(r: Any, dt: TimeReader, prefix: str = "") -> StoredVersion:
    """A version row as its record; `prefix` names its columns in a joined row."""
    p = prefix
    return StoredVersion(
        number=r[p + "version"],
        fetched_at=dt(r[p + "fetched_at"]) or datetime.min,
        title=r[p + "title"],
        authors=tuple(json.loads(r[p + "authors"])),
        published=as_written(dt(r[p + "published"]), r[p + "published_offset"]),
        updated=as_written(dt(r[p + "updated"]), r[p + "updated_offset"]),
        text=r[p + "text"],
        markdown=r[p + "markdown"],
        warc=WarcLocation.of(r[p + "warc_file"], r[p + "warc_offset"]),
        minor=bool(r[p + "minor"]),
        diff=r[p + "diff"],
        word_diff=r[p + "word_diff"],
    )


def fetch_record(r: Any, dt: TimeReader) -> FetchRecord:
    return FetchRecord(
        url=r["url"],
        source=r["source"],
        fetched_at=dt(r["fetched_at"]) or datetime.min,
        status=r["status"],
        error=r["error"],
        size=r["size"],
        warc=WarcLocation.of(r["warc_file"], r["warc_offset"], r["warc_length"]),
        kind=r["kind"],
    )


def source_state_record(r: Any, dt: TimeReader, articles: int) -> SourceState:
    return SourceState(
        name=r["name"],
        configured_feed=r["configured_feed"],
        feed_url=r["feed_url"],
        last_poll=dt(r["last_poll"]),
        last_success=dt(r["last_success"]),
        last_error=r["last_error"],
        failures=r["failures"],
        next_poll=dt(r["next_poll"]),
        disabled=r["disabled"],
        interval=r["interval"],
        articles=articles,
    )

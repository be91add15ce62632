"""Feed bytes to typed entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

Pure: no I/O. A feed that cannot be understood at all raises `ParseError`; one feedparser recovers
from yields its entries with the complaint in `Feed.error`.
"""

from __future__ import annotations

import calendar
import json
import re
import threading
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
import feedparser.api

from scraper.encoding import decode, header_charset
from scraper.errors import ParseError
from scraper.models import Feed, FeedEntry
from scraper.urls import absolute_url

JSON_FEED_TYPES = ("application/feed+json", "application/json")


def _struct_time(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _clean(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _dedupe(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _ttl_seconds(parsed: Any) -> float | None:
    """The poll interval the feed asks for: RSS <ttl> minutes or sy:updatePeriod/Frequency."""
    channel = parsed.get("feed", {})
    ttl = channel.get("ttl")
    if ttl and str(ttl).strip().isdigit():
        return int(str(ttl).strip()) * 60.0
    period = channel.get("sy_updateperiod")
    if period:
        seconds = {
            "hourly": 3600,
            "daily": 86400,
            "weekly": 604800,
            "monthly": 2592000,
            "yearly": 31536000,
        }.get(str(period).strip().lower())
        frequency = str(channel.get("sy_updatefrequency", "1")).strip()
        if seconds:
            return seconds / max(1, int(frequency) if frequency.isdigit() else 1)
    return None


def _feedparser_entry(raw: Any, base: str | None) -> FeedEntry | None:
    link = None
    for candidate in [
        raw.get("link"),
        *[
            li.get("href")
            for li in raw.get("links", [])
            if li.get("rel", "alternate") == "alternate"
        ],
    ]:
        link = absolute_url(base, candidate)
        if link:
            break
    guid = _clean(raw.get("id"))
    if not link and guid:
        link = absolute_url(base, guid) if guid.startswith(("http://", "https://")) else None
    if not link:
        return None
    authors = [_clean(a.get("name")) or "" for a in raw.get("authors", []) if isinstance(a, dict)]
    if not any(authors) and raw.get("author"):
        authors = [_clean(raw.get("author")) or ""]
    tags = [_clean(t.get("term")) or _clean(t.get("label")) or "" for t in raw.get("tags", [])]
    return FeedEntry(
        url=link,
        guid=guid,
        title=_clean(raw.get("title")),
        published=_struct_time(raw.get("published_parsed")),
        updated=_struct_time(raw.get("updated_parsed")),
        authors=_dedupe(authors),
        tags=_dedupe(tags),
        summary=_clean(raw.get("summary")),
        language=_clean(raw.get("language")),
    )


def _parse_json_feed(text: str, base: str | None) -> Feed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"malformed JSON Feed: {error}") from None
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise ParseError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    base = absolute_url(base, data.get("feed_url")) or base
    entries = []
    for item in data.get("items") or []:
        if not isinstance(item, dict):
            continue
        link = absolute_url(base, item.get("url")) or absolute_url(base, item.get("external_url"))
        if not link:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        entries.append(
            FeedEntry(
                url=link,
                guid=_clean(str(item["id"])) if item.get("id") is not None else None,
                title=_clean(item.get("title")),
                published=_iso(item.get("date_published")),
                updated=_iso(item.get("date_modified")),
                authors=_dedupe(
                    [_clean(a.get("name")) or "" for a in authors if isinstance(a, dict)]
                ),
                tags=_dedupe(
                    [_clean(t) or "" for t in item.get("tags") or [] if isinstance(t, str)]
                ),
                summary=_clean(item.get("summary")),
                language=_clean(item.get("language")) or _clean(data.get("language")),
            )
        )
    return Feed(
        title=_clean(data.get("title")),
        link=absolute_url(base, data.get("home_page_url")),
        entries=tuple(entries),
    )


_LOOSE_ONLY = threading.Lock()


def _feedparser(content: bytes, headers: dict[str, str]) -> Any:
    """feedparser, whose strict (XML) parser lets a few errors escape on damaged input (a
    namespace URI cut by a space raises ValueError): those bytes are read again by its loose
    parser, as it does itself for XML errors, so a damaged feed still yields what it holds."""
    options: dict[str, Any] = {
        "response_headers": headers,
        "sanitize_html": False,
        "resolve_relative_uris": False,
    }
    try:
        return feedparser.parse(content, **options)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        with _LOOSE_ONLY:  # the switch is module state: one loose-only parse at a time
            feedparser.api._XML_AVAILABLE = False
            try:
                parsed = feedparser.parse(content, **options)
            finally:
                feedparser.api._XML_AVAILABLE = True
        parsed["bozo"], parsed["bozo_exception"] = 1, error
        return parsed


def parse_feed(content: bytes, url: str | None = None, content_type: str | None = None) -> Feed:
    """Parse feed bytes of any supported format into a `Feed`."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (content_type or "").split(";")[0].strip() in JSON_FEED_TYPES or head.startswith(b"{"):
        return _parse_json_feed(decode(content, content_type), url)
    headers = {"content-type": content_type or "application/xml"}
    if content_type and content_type.startswith("text/") and not header_charset(content_type):
        # A text/* type without charset makes feedparser assume US-ASCII (RFC 3023) and refuse
        # feeds whose BOM or XML declaration says otherwise; browsers sniff, and so do we.
        headers["content-type"] = "application/xml"
    if url:
        headers["content-location"] = url
    parsed = _feedparser(content, headers)
    error = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        error = f"{type(exc).__name__}: {exc}".strip() if exc else "malformed feed"
    if not parsed.get("version") and not parsed.entries:
        if re.match(rb"(?is)\s*(<!doctype\s+html|<html)", head):
            raise ParseError("not a feed: the server sent an HTML page")
        raise ParseError(f"not a feed ({error or 'no RSS, Atom or JSON Feed found'})")
    base = url if url else parsed.feed.get("link")
    entries = [e for e in (_feedparser_entry(raw, base) for raw in parsed.entries) if e]
    return Feed(
        title=_clean(parsed.feed.get("title")),
        link=absolute_url(url, parsed.feed.get("link")),
        entries=tuple(entries),
        ttl=_ttl_seconds(parsed),
        error=error,
    )

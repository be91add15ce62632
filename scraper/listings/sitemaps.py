"""Sitemaps as a source of article URLs: Google News sitemaps, plain ones, and indexes. Pure.

Parsed with lxml's recovering parser, so a sloppy sitemap yields what it holds; gzip payloads
are undone under a size cap (sitemaps are allowed 50 MB uncompressed).
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from scraper.errors import ParseError
from scraper.extract.dates import parse_date
from scraper.models import FeedEntry
from scraper.urls import absolute_url

MAX_SITEMAP_BYTES = 50_000_000


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: its article entries, or the child sitemaps of an index."""

    entries: tuple[FeedEntry, ...] = ()
    children: tuple[tuple[str, datetime | None], ...] = ()  # (url, lastmod) of an index


def _gunzip(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise ParseError(f"invalid gzip sitemap: {error}") from None
    if len(out) > MAX_SITEMAP_BYTES:
        raise ParseError("sitemap larger than 50 MB uncompressed")
    return out


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = parse_date(text.strip())
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def parse_sitemap(data: bytes, url: str) -> Sitemap:
    """Entries (URL, news title, publication date, language) or the children of an index."""
    data = _gunzip(data)
    try:
        root = etree.fromstring(
            data,
            etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False),
        )
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not a sitemap: {error}") from None
    if root is None:
        raise ParseError("not a sitemap: empty document")
    kind = _local(root.tag)
    if kind not in {"urlset", "sitemapindex"}:
        raise ParseError(f"not a sitemap (root element <{kind or '?'}>)")
    if kind == "sitemapindex":
        children = []
        for node in root:
            info = {_local(child.tag): (child.text or "").strip() for child in node}
            child_url = absolute_url(url, info.get("loc"))
            if child_url:
                children.append((child_url, _date(info.get("lastmod"))))
        return Sitemap(children=tuple(children))
    entries = []
    for node in root:
        if _local(node.tag) != "url":
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if name and child.text and child.text.strip() and name not in fields:
                fields[name] = child.text.strip()
        loc = absolute_url(url, fields.get("loc"))
        if not loc:
            continue
        published = _date(fields.get("publication_date"))
        entries.append(
            FeedEntry(
                url=loc,
                title=fields.get("title"),
                published=published,
                updated=_date(fields.get("lastmod")),
                language=fields.get("language"),
                tags=tuple(k.strip() for k in fields.get("keywords", "").split(",") if k.strip()),
            )
        )
    return Sitemap(entries=tuple(entries))


def recent(entries: tuple[FeedEntry, ...], since: datetime) -> list[FeedEntry]:
    """Entries dated (published, else lastmod) at or after `since`; undated ones are kept."""
    out = []
    for entry in entries:
        when = entry.published or entry.updated
        if when is None or when >= since:
            out.append(entry)
    return out

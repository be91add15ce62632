"""OPML in and out: subscriptions from feed readers (listparser), sources back as OPML 2.0."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree

import listparser

from scraper.config.edit import NewSource
from scraper.encoding import decode
from scraper.errors import ParseError
from scraper.models import Source
from scraper.urls import absolute_url


def read_opml(data: bytes) -> list[NewSource]:
    """Every outline with a feed URL; its folders become the source's tags."""
    # listparser mis-reads documents in legacy encodings: hand it UTF-8 it cannot get wrong.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", decode(data, "application/xml"))
    result = listparser.parse(('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8"))
    if not result.feeds and result.bozo:
        raise ParseError(f"not an OPML subscription list: {result.bozo_exception}")
    sources = []
    for feed in result.feeds:
        url = absolute_url(None, feed.get("url"))
        if not url:
            continue
        folders = [name for path in feed.get("categories", []) for name in path]
        tags = tuple(dict.fromkeys(t for t in [*folders, *feed.get("tags", [])] if t))
        sources.append(NewSource(url=url, kind="feed", tags=tags, title=feed.get("title") or None))
    return sources


def write_opml(sources: list[Source], title: str = "scraper sources") -> str:
    """OPML 2.0 that Miniflux, FreshRSS and NetNewsWire import: folders from the first tag."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ElementTree.SubElement(root, "body")
    folders: dict[str, ElementTree.Element] = {}
    for source in sources:
        if source.kind != "feed" or not source.feed:
            continue  # readers subscribe to feeds only
        parent = body
        if source.tags:
            folder = source.tags[0]
            if folder not in folders:
                folders[folder] = ElementTree.SubElement(body, "outline", text=folder, title=folder)
            parent = folders[folder]
        ElementTree.SubElement(
            parent, "outline", type="rss", text=source.name, title=source.name, xmlUrl=source.feed
        )
    ElementTree.indent(root)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + ElementTree.tostring(root, encoding="unicode")
        + "\n"
    )

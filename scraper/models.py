"""Typed records handed from one pipeline stage to the next.

Every stage takes and returns these frozen dataclasses, never loose dicts, so a reader can follow
what flows through config -> fetch -> feeds -> extract -> store -> export from the names alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

RENDER_MODES = ("never", "auto", "always")


@dataclass(frozen=True)
class Source:
    """One watched source, as configured: a feed, a news sitemap or a section page."""

    name: str
    feed: str | None = None
    interval: float = 1800.0  # seconds between polls
    language: str | None = None
    delay: float | None = None  # per-source minimum delay between requests to its hosts
    revisits: tuple[float, ...] | None = None  # seconds after first seen; None: the default
    select: str | None = None  # CSS selector of the body, for sites users want exact
    drop: tuple[str, ...] = ()  # CSS selectors of elements that are never body
    sitemap: str | None = None  # a (news) sitemap or sitemap index listing the articles
    page: str | None = None  # a section page whose article links are harvested
    links: str | None = None  # CSS selector narrowing a section page to its article list
    recency: float = 7 * 86400.0  # sitemap entries older than this are not fetched
    tags: tuple[str, ...] = ()  # the user's labels (OPML folders)
    render: str = "never"  # "auto": pages that look like JavaScript shells; "always": all
    screenshot: bool = False  # a PNG of each rendered page
    # Sent with every request for this source: secrets, kept out of its repr (and so of logs).
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    cookies: Path | None = None  # a Netscape cookies.txt sent with its requests
    proxy: str | None = field(default=None, repr=False)  # http://[USER:PASS@]HOST:PORT

    @property
    def url(self) -> str:
        """The URL polled for new articles, whatever the kind."""
        return self.feed or self.sitemap or self.page or ""

    @property
    def kind(self) -> str:
        return "feed" if self.feed else "sitemap" if self.sitemap else "page"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed: what the feed tells us about an article before we fetch it."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    language: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as JSON-able values (kept with its article, a failed page, a queued job)."""
        return {
            "url": self.url,
            "guid": self.guid,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "authors": list(self.authors),
            "tags": list(self.tags),
            "summary": self.summary,
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedEntry:
        def when(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if isinstance(value, str) and value else None

        return cls(
            url=str(data["url"]),
            guid=data.get("guid"),
            title=data.get("title"),
            published=when(data.get("published")),
            updated=when(data.get("updated")),
            authors=tuple(data.get("authors") or ()),
            tags=tuple(data.get("tags") or ()),
            summary=data.get("summary"),
            language=data.get("language"),
        )


@dataclass(frozen=True)
class Feed:
    """A parsed feed; `error` holds the parser's complaint when it recovered from bad input."""

    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    ttl: float | None = None  # seconds the feed asks us to wait between polls
    error: str | None = None


@dataclass(frozen=True)
class Body:
    """The article body chosen by the body extractor."""

    text: str  # plain text, paragraphs separated by blank lines
    markdown: str  # the same body keeping headings, lists, quotes
    error: str | None = None  # why the body is empty, when it is


@dataclass(frozen=True)
class LineFacts:
    """What boilerplate cleaning asks of a body's lines, worked out where the body is extracted
    (a worker process), so that learning and cleaning in the event loop only look them up: the
    whole text's fingerprint, and each distinct line's fingerprint and whether it is a known
    boilerplate phrase (Markdown lines as their plain words)."""

    page: str | None
    lines: Mapping[str, tuple[str | None, bool]]


@dataclass(frozen=True)
class Metadata:
    """What the page says about the article, from every evidence source it offers."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None  # timezone-aware
    updated: datetime | None = None  # timezone-aware
    language: str | None = None  # ISO 639-1 code
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    description: str | None = None
    image: str | None = None
    site_name: str | None = None
    original_url: str | None = None  # the URL of the original this page credits, if any
    original_source: str | None = None  # the name of the credited original, if any
    # Each credit line that links a page, in page order: (line, url, source named).
    linked_credits: tuple[tuple[str, str, str | None], ...] = ()
    # Attribution lines found in the page ("The original source of this article is ..."): they are
    # metadata, and the body extractor's output is cleaned of them.
    credit_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """An extracted article: the body and its metadata, ready to store."""

    url: str
    text: str
    markdown: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    canonical_url: str | None = None
    description: str | None = None
    image: str | None = None
    original_url: str | None = None
    original_source: str | None = None
    # The credit behind original_url is a line of the article's own text (not a sidebar's, nor
    # a canonical): dedupe may then join on it alone, as a credited translation shares no words.
    credit_in_text: bool = False
    error: str | None = None  # why extraction found no body, when it did not
    facts: LineFacts | None = field(default=None, compare=False, repr=False)  # of this body
    # The dedupe fingerprint of `text` (scraper.dedupe.Fingerprint), made by the extraction
    # worker; None once the text is changed (cleaned of learned boilerplate, say).
    fingerprint: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class WarcLocation:
    """Where one record (a response, a revisit, a resource) lies in the archive's WARC files."""

    file: str  # path relative to the archive root
    offset: int
    # Bytes of the record's gzip member; None where only its start was kept (a version's row,
    # an extract job), as readers seek by the offset and read one record.
    length: int | None = None
    revisit: bool = False  # a revisit record: the payload is in an earlier record

    @classmethod
    def of(
        cls, file: str | None, offset: int | None, length: int | None = None
    ) -> WarcLocation | None:
        """The location kept as loose values (a table's columns, a job's keys); None when they
        name no record."""
        return None if file is None or offset is None else cls(file, int(offset), length)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as fetched (body decoded from its transfer encoding)."""

    url: str  # the URL finally answered, after redirects
    requested_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    redirects: tuple[tuple[int, str], ...] = ()  # (status, location) of each hop followed
    warc: WarcLocation | None = None  # where the raw exchange was recorded, if it was

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class StoredArticle:
    """An article as the index knows it: its identity, its latest version and its history."""

    id: str
    url: str
    source: str
    title: str | None
    authors: tuple[str, ...]
    published: datetime | None
    updated: datetime | None
    language: str | None
    tags: tuple[str, ...]
    text: str
    markdown: str
    canonical_url: str | None
    original_url: str | None
    story_id: str
    versions: int
    first_seen: datetime
    last_seen: datetime
    path: str  # the article's folder, relative to the archive root
    description: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredVersion:
    """One version of an article as the index keeps it: the page as it read at one fetch."""

    number: int  # 1 is the first fetch; minor versions are numbered too
    fetched_at: datetime
    title: str | None
    authors: tuple[str, ...]
    published: datetime | None
    updated: datetime | None
    text: str
    markdown: str
    warc: WarcLocation | None  # the exchange it was read from (none for a local file)
    minor: bool  # only spacing or punctuation changed: kept, hidden by default
    diff: str | None  # the unified diff against the version before (none for the first)
    word_diff: str | None = None


# The JSONL export's keys, in order: scripts rely on them; never rename or drop one.
ARTICLE_KEYS = (
    "id",
    "url",
    "source",
    "title",
    "authors",
    "published",
    "updated",
    "language",
    "tags",
    "text",
    "canonical_url",
    "original_url",
    "story_id",
    "versions",
    "first_seen",
    "last_seen",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_record(article: StoredArticle) -> dict[str, Any]:
    """One article (its latest version) as the export contract defines it."""
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source,
        "title": article.title,
        "authors": list(article.authors),
        "published": _iso(article.published),
        "updated": _iso(article.updated),
        "language": article.language,
        "tags": list(article.tags),
        "text": article.text,
        "canonical_url": article.canonical_url,
        "original_url": article.original_url,
        "story_id": article.story_id,
        "versions": article.versions,
        "first_seen": _iso(article.first_seen),
        "last_seen": _iso(article.last_seen),
    }


# Events users can be told of (`[[notify]] events`).
EVENTS = ("new_article", "new_version", "new_republication", "source_failing")


@dataclass(frozen=True)
class NotifyRule:
    """One `[[notify]]` entry: where to send which events."""

    urls: tuple[str, ...]
    events: tuple[str, ...]
    sources: tuple[str, ...] = ()  # empty: every source
    keywords: tuple[str, ...] = ()  # for new_article: title or text must contain one

    def wants(self, note: Notice) -> bool:
        if note.event not in self.events:
            return False
        if self.sources and note.source not in self.sources:
            return False
        if self.keywords and note.event == "new_article":
            haystack = f"{note.title}\n{note.text}".casefold()
            return any(keyword.casefold() in haystack for keyword in self.keywords)
        return True


@dataclass(frozen=True)
class Notice:
    """Something that happened, as a user would want to be told."""

    event: str
    source: str
    title: str
    url: str
    archive_link: str | None = None
    diff: str | None = None  # for new_version: a short word diff
    text: str = ""  # matched against keywords, not sent

    def message(self) -> str:
        lines = [self.url]
        if self.archive_link:
            lines.append(f"archived: {self.archive_link}")
        if self.diff:
            lines += ["", self.diff[:1500]]
        return "\n".join(lines)

    def heading(self) -> str:
        label = {
            "new_article": "New article",
            "new_version": "Edited",
            "new_republication": "Republished",
            "source_failing": "Source failing",
        }
        return f"[{self.source}] {label.get(self.event, self.event)}: {self.title}"[:250]

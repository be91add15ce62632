"""Property-based fuzzing of the pure parsers: hostile input gives a clear error, never a crash."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scraper.encoding import decode
from scraper.errors import ParseError
from scraper.extract import extract_article
from scraper.files import inside
from scraper.listings.feeds import parse_feed
from scraper.models import Article
from scraper.store.tree import article_folder, safe_segment
from scraper.urls import absolute_url, article_id, normalize_url
from tests.corpus import load_pages, shared_dir

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEGMENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _feed_samples() -> list[bytes]:
    root = shared_dir() / "corpora" / "feeds" / "feedparser-tests" / "wellformed" / "rss"
    files = sorted(root.glob("*.xml"))[:40] if root.is_dir() else []
    return [f.read_bytes() for f in files] or [b"<rss version='2.0'><channel></channel></rss>"]


FEEDS = _feed_samples()
PAGES = [p.html[:20000] for p in load_pages(5)] or ["<html><body><p>x</p></body></html>"]


def _mutate(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in cuts:
        if out:
            out[position % len(out)] = value
    return bytes(out)


@FUZZ
@given(
    st.binary(max_size=4000),
    st.sampled_from([None, "text/xml", "application/json", "application/rss+xml; charset=utf-16"]),
)
def test_arbitrary_bytes_are_a_feed_or_a_parse_error(data: bytes, content_type) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(ParseError):
        parse_feed(data, "http://example.org/feed", content_type)


def test_a_namespace_cut_by_a_stray_byte_is_read_by_the_loose_parser() -> None:
    # Found by the fuzz test below: feedparser's strict parser raised ValueError on this.
    damaged = (
        b'<rss version="2.0" xmlns:dc="h\xa0tp://purl.org/dc/elements/1.1/"><channel>'
        b"<title>T</title><dc:contributor>C</dc:contributor><item><title>One</title>"
        b"<link>http://example.org/a</link></item></channel></rss>"
    )
    feed = parse_feed(damaged, "http://example.org/feed", "text/xml")
    assert [e.url for e in feed.entries] == ["http://example.org/a"]
    assert feed.error


@FUZZ
@given(
    st.sampled_from(FEEDS),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
    st.integers(0, 5000),
)
def test_corrupted_real_feeds_never_crash_the_parser(feed: bytes, cuts, keep: int) -> None:  # type: ignore[no-untyped-def]
    try:
        result = parse_feed(_mutate(feed, cuts)[:keep], "http://example.org/feed", "text/xml")
    except ParseError:
        return
    for entry in result.entries:
        assert entry.url.startswith(("http://", "https://"))


@FUZZ
@given(st.text(max_size=3000))
def test_arbitrary_text_as_html_gives_an_article(text: str) -> None:
    article = extract_article(text, "http://example.org/a")
    assert isinstance(article, Article)
    assert article.text or article.error


@FUZZ
@given(
    st.sampled_from(PAGES),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=30),
    st.integers(0, 20000),
)
def test_corrupted_real_pages_never_crash_extraction(page: str, cuts, keep: int) -> None:  # type: ignore[no-untyped-def]
    html = _mutate(page.encode("utf-8"), cuts)[:keep].decode("utf-8", errors="replace")
    assert isinstance(extract_article(html, "http://example.org/a"), Article)


@FUZZ
@given(st.binary(max_size=3000), st.one_of(st.none(), st.text(max_size=60)))
def test_any_bytes_decode_to_text(data: bytes, content_type) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(decode(data, content_type), str)


NASTY = [
    "http://[",
    "http://[::1",
    "//[x]",
    "http://a:99999/",
    "http://a:port/",
    "https://",
    "http://%00/",
    "http://a\x00b/",
    "javascript:",
    "file:///",
    "http://\u2025/",
    "?",
    "#",
]


@FUZZ
@given(
    st.text(max_size=300),
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=40)),
    ),
)
def test_urls_never_crash_identity(base: str, href: str) -> None:
    url = absolute_url("http://example.org/" + base, href)
    if url is not None:
        assert len(article_id(url)) == 16
        assert normalize_url(url).startswith("http")


@FUZZ
@given(st.text(max_size=500), st.text(max_size=300))
@example("", "COM0")  # a reserved name as the whole title once made the folder "-com0"
def test_names_from_urls_and_titles_stay_inside_the_archive(path: str, title: str) -> None:
    from datetime import UTC, datetime

    url = absolute_url("http://example.org/", path) or "http://example.org/"
    folder = article_folder(url, title, datetime(2026, 1, 2, tzinfo=UTC))
    assert all(part not in {"", ".", ".."} for part in folder.parts)
    assert SEGMENT.match(folder.parts[-1]) and len(folder.parts[-1]) <= 80
    root = Path("/tmp/archive-root")
    assert inside(root, folder).is_relative_to(root)
    assert SEGMENT.match(safe_segment(title)) or safe_segment(title) == "article"
    assert PurePosixPath(folder).parts[0]

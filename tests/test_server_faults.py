"""Misbehaving servers, through the whole pipeline: each gives a clear error in bounded time."""

from __future__ import annotations

import asyncio
import resource
import time
from typing import Any

import pytest

from scraper.config.settings import HttpSettings
from scraper.errors import BlockedError
from scraper.fetch.fetcher import Fetcher
from scraper.store.sqlite import SQLiteStore
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, rss_feed

# (fault kind, parameters, what the error line must say)
PAGE_FAULTS: list[tuple[str, dict[str, Any], str]] = [
    ("hang", {}, "timed out"),
    ("drip", {"bytes_per_chunk": 10, "interval": 0.2, "total": 100_000}, "timed out"),
    ("reset", {"body": b"<html>" + b"x" * 50_000, "after": 500}, "connection broken"),
    ("bad_length", {"body": b"<html><p>short</p>", "claimed": 100_000}, "connection broken"),
    ("bad_gzip", {}, "invalid gzip body"),
    ("gzip_bomb", {"size": 300_000_000}, "decompressed body exceeds"),
    ("huge", {"size": 100 * 1024 * 1024, "chunked": True, "content_length": False}, "exceeds the"),
    ("redirect_loop", {}, "redirects"),
    ("redirect_loop", {"cycle": True}, "redirect loop"),
    ("status", {"status": 500}, "HTTP 500"),
    ("status", {"status": 404}, "HTTP 404"),
]


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    PAGE_FAULTS,
    ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(PAGE_FAULTS)],
)
def test_a_faulty_page_is_one_clear_error_in_bounded_time(
    site: TestSite, tmp_path, cli, kind: str, params: dict[str, Any], message: str
) -> None:
    require_corpus()
    good = load_pages(1)[0]
    site.add("/good.html", good.html)
    site.fault("/bad.html", kind, **params)  # type: ignore[arg-type]
    items = [FeedItem(site.url("/bad.html"), "bad"), FeedItem(site.url("/good.html"), "good")]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(
        tmp_path,
        [{"name": "faulty", "feed": site.url("/feed.xml")}],
        http={"timeout": "2s", "read_timeout": "1s", "retries": 1, "max_redirects": 8},
    )
    began = time.monotonic()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = cli("fetch", "--config", str(config))
    assert time.monotonic() - began < 20
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < 100  # bodies are capped while streaming, never held whole
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and site.url("/bad.html") in errors[0], result.err
    assert message in errors[0]
    assert "faulty: 1 new" in result.out  # the good page was archived all the same
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "application/rss+xml", "not a feed"),
        (
            b"<!DOCTYPE html><html><body><p>Home page</p></body></html>",
            "application/rss+xml",
            "the server sent an HTML page",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "text/html", "not a feed"),
    ],
)
def test_feeds_that_are_not_feeds_are_clear_errors(
    site: TestSite, tmp_path, cli, body: bytes, content_type: str, message: str
) -> None:
    site.add("/feed.xml", body, content_type=content_type)
    config = write_config(tmp_path, [{"name": "odd", "feed": site.url("/feed.xml")}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 1 and message in result.err and "Traceback" not in result.err


def test_a_feed_served_as_html_is_still_read(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    site.add("/a.html", load_pages(1)[0].html)
    site.add("/feed.xml", rss_feed([FeedItem(site.url("/a.html"), "a")]), content_type="text/html")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 0 and "s: 1 new" in result.out


def test_a_wrong_charset_header_does_not_make_mojibake(site: TestSite, tmp_path, cli) -> None:
    text = "Le gouvernement a annoncé une série de mesures destinées à réduire la dépendance " * 8
    page = (
        f"<html><head><title>Été</title></head><body><article><p>{text}</p></article></body></html>"
    )
    site.add("/a.html", page.encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    site.add(
        "/feed.xml",
        rss_feed([FeedItem(site.url("/a.html"), "a")]),
        content_type="application/rss+xml",
    )
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    cli("fetch", "--config", str(config))
    [record] = cli("export", "--config", str(config)).jsonl()
    assert "annoncé une série" in record["text"] and "Ã©" not in record["text"]


def test_a_redirect_hop_to_a_refused_address_is_blocked(
    site: TestSite, site2: TestSite, tmp_path
) -> None:
    """127.0.0.1 plays a public site, 127.0.0.2 a private one: the hop is checked at connect."""
    site2.add("/secret", "internal data")
    site.fault("/go", "redirect", location=site2.url("/secret"), status=302)
    store = SQLiteStore(tmp_path)
    settings = HttpSettings(allow_private_addresses=False, per_host_delay=0, retries=0)

    async def scenario() -> None:
        async with Fetcher(settings, store, address_policy=lambda a: a == "127.0.0.1") as f:
            await f.fetch(site.url("/go"))

    with pytest.raises(BlockedError, match="refused to connect to 127.0.0.2"):
        asyncio.run(scenario())
    assert site.requests_to("/go") and not site2.requests
    store.close()

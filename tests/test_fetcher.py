"""The fetch layer against a real local server: politeness, limits, faults, WARC."""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.config.settings import HttpSettings
from scraper.errors import (
    BlockedError,
    FetchError,
    GoneError,
    HTTPStatusError,
    RetryLaterError,
    TransientFetchError,
)
from scraper.fetch.fetcher import Fetcher, parse_retry_after
from scraper.fetch.wire import decode_content
from scraper.store.sqlite import SQLiteStore
from scraper.store.warc import WarcWriterPool
from tests.testsite import TestSite

FAST = {"allow_private_addresses": True, "per_host_delay": 0.0, "backoff": 0.01, "timeout": 5.0}


class Harness:
    def __init__(self, root: Path, **settings: object) -> None:
        self.root = root
        self.store = SQLiteStore(root)
        self.warc = WarcWriterPool(
            root / "warc",
            root,
            lookup=self.store.find_payload,
            remember=self.store.remember_payload,
        )
        self.settings = HttpSettings(**{**FAST, **settings})  # type: ignore[arg-type]

    def fetcher(self) -> Fetcher:
        return Fetcher(self.settings, self.store, self.warc)


@pytest.fixture
def harness(tmp_path: Path):
    made: list[Harness] = []

    def make(**settings: object) -> Harness:
        h = Harness(tmp_path, **settings)
        made.append(h)
        return h

    yield make
    for h in made:
        h.warc.close()
        h.store.close()


async def fetch(h: Harness, url: str, **kwargs: object):
    async with h.fetcher() as fetcher:
        return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]


# -- identity and conditional GET ------------------------------------------------------------
async def test_requests_name_the_product_never_httpx(site: TestSite, harness) -> None:
    site.add("/p.html", "<html>hi</html>")
    await fetch(harness(user_agent="scraper/9 (+https://example.org/contact)"), site.url("/p.html"))
    agents = {r.headers.get("user-agent") for r in site.requests}
    assert agents == {"scraper/9 (+https://example.org/contact)"}


async def test_second_poll_sends_if_none_match_and_gets_304(site: TestSite, harness) -> None:
    site.add(
        "/feed.xml",
        "<rss/>",
        content_type="application/rss+xml",
        etag='"v1"',
        last_modified="Wed, 21 Oct 2026 07:28:00 GMT",
    )
    h = harness()
    async with h.fetcher() as fetcher:
        first = await fetcher.fetch(site.url("/feed.xml"), conditional=True)
        fetcher.remember_validators(first)  # the caller kept what the answer holds
        second = await fetcher.fetch(site.url("/feed.xml"), conditional=True)
    assert first.status == 200 and second.status == 304 and second.content == b""
    polls = site.requests_to("/feed.xml")
    assert polls[1].headers.get("if-none-match") == '"v1"'
    assert polls[1].headers.get("if-modified-since") == "Wed, 21 Oct 2026 07:28:00 GMT"


async def test_a_conditional_answer_s_validators_are_kept_only_when_its_caller_says(
    site: TestSite, harness
) -> None:
    """A caller killed before it kept what a feed listed must find the feed unread next time."""
    site.add("/feed.xml", "<rss/>", content_type="application/rss+xml", etag='"v1"')
    h = harness()
    await fetch(h, site.url("/feed.xml"), conditional=True)
    again = await fetch(h, site.url("/feed.xml"), conditional=True)
    assert again.status == 200
    assert "if-none-match" not in site.requests_to("/feed.xml")[1].headers


async def test_servers_that_ignore_validators_still_work(site: TestSite, harness) -> None:
    site.add("/feed.xml", "<rss/>", content_type="application/rss+xml", headers={"ETag": '"x"'})
    h = harness()
    await fetch(h, site.url("/feed.xml"), conditional=True)
    again = await fetch(h, site.url("/feed.xml"), conditional=True)
    assert again.status == 200 and again.content == b"<rss/>"


# -- robots.txt ------------------------------------------------------------------------------
async def test_disallowed_urls_are_never_requested(site: TestSite, harness) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n")
    site.add("/private/p.html", "secret")
    with pytest.raises(BlockedError, match="robots.txt"):
        await fetch(harness(), site.url("/private/p.html"))
    assert not site.requests_to("/private/p.html")


async def test_robots_txt_is_fetched_once_per_host_and_cached(site: TestSite, harness) -> None:
    site.robots("User-agent: *\nAllow: /\n")
    for path in ("/a", "/b", "/c"):
        site.add(path, "x")
    h = harness()
    async with h.fetcher() as fetcher:
        await asyncio.gather(*(fetcher.fetch(site.url(p)) for p in ("/a", "/b", "/c")))
    async with h.fetcher() as fetcher:  # a new run: the cache is in the index
        await fetcher.fetch(site.url("/a"))
    assert len(site.requests_to("/robots.txt")) == 1


async def test_missing_robots_txt_allows_everything(site: TestSite, harness) -> None:
    site.robots(None)
    site.add("/p", "ok")
    assert (await fetch(harness(), site.url("/p"))).status == 200


async def test_robots_txt_5xx_means_wait_and_retry(site: TestSite, harness) -> None:
    site.fault("/robots.txt", "status", status=503)
    site.add("/p", "ok")
    with pytest.raises(RetryLaterError, match="robots.txt .* unavailable"):
        await fetch(harness(retries=0), site.url("/p"))
    assert not site.requests_to("/p")


async def test_crawl_delay_spaces_requests(site: TestSite, harness) -> None:
    site.robots("User-agent: *\nCrawl-delay: 0.4\n")
    for path in ("/a", "/b", "/c"):
        site.add(path, "x")
    async with harness().fetcher() as fetcher:
        await fetcher.fetch(site.url("/a"))
        await asyncio.gather(fetcher.fetch(site.url("/b")), fetcher.fetch(site.url("/c")))
    starts = sorted(r.started for r in site.requests if r.path in {"/a", "/b", "/c"})
    assert all(b - a >= 0.35 for a, b in zip(starts, starts[1:], strict=False))


# -- per-host politeness ---------------------------------------------------------------------
async def test_per_host_in_flight_bound_and_minimum_delay(site: TestSite, harness) -> None:
    site.latency = 0.2
    for i in range(6):
        site.add(f"/p{i}", "x")
    site.robots(None)
    h = harness(per_host_concurrency=2, per_host_delay=0.05)
    # The site notes each start from a thread of this process: with the default 5 ms GIL
    # switch interval its note can lag by as much as the 5 ms this test allows for timers.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        async with h.fetcher() as fetcher:
            await asyncio.gather(*(fetcher.fetch(site.url(f"/p{i}")) for i in range(6)))
    finally:
        sys.setswitchinterval(switch)
    site.wait_idle()
    assert site.max_in_flight == 2
    starts = sorted(r.started for r in site.requests if r.path.startswith("/p"))
    assert all(b - a >= 0.045 for a, b in zip(starts, starts[1:], strict=False))


async def test_many_hosts_proceed_in_parallel(site: TestSite, site2: TestSite, harness) -> None:
    for s in (site, site2):
        s.latency = 0.3
        s.add("/p", "x")
    h = harness(per_host_concurrency=1)
    began = time.monotonic()
    async with h.fetcher() as fetcher:
        await asyncio.gather(fetcher.fetch(site.url("/p")), fetcher.fetch(site2.url("/p")))
    # Each host answers robots.txt and the page at 0.3 s each: in parallel, well under 4 x 0.3.
    assert time.monotonic() - began < 1.0


# -- Retry-After and transient failures ------------------------------------------------------
async def test_retry_after_holds_the_host_across_runs(site: TestSite, harness) -> None:
    site.fault("/feed", "status", status=429, headers={"Retry-After": "120"})
    site.add("/other", "x")
    h = harness()
    with pytest.raises(RetryLaterError) as first:
        await fetch(h, site.url("/feed"))
    assert first.value.until > datetime.now(UTC) + timedelta(seconds=100)
    requests_before = len(site.requests)
    with pytest.raises(RetryLaterError, match="asked us to wait"):
        await fetch(h, site.url("/other"))  # a later run: held from the index
    assert len(site.requests) == requests_before
    assert (await fetch(h, site.url("/other"), force=True)).status == 200


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("30", now) == now + timedelta(seconds=30)
    assert parse_retry_after("Thu, 01 Jan 2026 00:10:00 GMT", now) == now + timedelta(minutes=10)
    assert parse_retry_after("soon", now) is None


async def test_transient_5xx_is_retried_a_bounded_number_of_times(site: TestSite, harness) -> None:
    site.fault("/flaky", "status", status=502)
    with pytest.raises(HTTPStatusError) as error:
        await fetch(harness(retries=2), site.url("/flaky"))
    assert error.value.status == 502 and error.value.transient
    assert len(site.requests_to("/flaky")) == 3


async def test_a_hanging_server_times_out_in_bounded_time(site: TestSite, harness) -> None:
    site.fault("/hang", "hang")
    began = time.monotonic()
    with pytest.raises(TransientFetchError, match="timed out"):
        await fetch(harness(timeout=0.5, read_timeout=0.5, retries=1), site.url("/hang"))
    assert time.monotonic() - began < 3


async def test_reset_mid_body_is_a_transient_error(site: TestSite, harness) -> None:
    site.fault("/reset", "reset", body=b"x" * 100_000, after=1000)
    with pytest.raises(TransientFetchError, match="connection broken"):
        await fetch(harness(retries=0), site.url("/reset"))


# -- redirects -------------------------------------------------------------------------------
async def test_redirects_are_followed_and_recorded(site: TestSite, harness) -> None:
    site.add("/new", "here")
    site.fault("/old", "redirect", location=site.url("/new"), status=301)
    exchange = await fetch(harness(), site.url("/old"))
    assert exchange.status == 200 and exchange.content == b"here"
    assert exchange.redirects == ((301, site.url("/new")),)


async def test_redirect_loops_and_endless_chains_stop(site: TestSite, harness) -> None:
    site.fault("/loop", "redirect_loop", cycle=True)
    site.fault("/chain", "redirect_loop")
    with pytest.raises(FetchError, match="redirect loop"):
        await fetch(harness(), site.url("/loop"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetch(harness(max_redirects=5), site.url("/chain"))


async def test_410_gone_is_reported_as_gone(site: TestSite, harness) -> None:
    site.fault("/gone", "status", status=410)
    with pytest.raises(GoneError, match="410"):
        await fetch(harness(), site.url("/gone"))


# -- limits ----------------------------------------------------------------------------------
async def test_huge_bodies_are_refused_while_streaming(site: TestSite, harness) -> None:
    site.fault("/big", "huge", size=50_000_000, content_length=False, chunked=True)
    began = time.monotonic()
    with pytest.raises(FetchError, match="exceeds the 1,000,000-byte limit"):
        await fetch(harness(max_body_size=1_000_000), site.url("/big"))
    assert time.monotonic() - began < 3


async def test_gzip_bombs_are_refused(site: TestSite, harness) -> None:
    site.fault("/bomb", "gzip_bomb", size=200_000_000)
    with pytest.raises(FetchError, match="decompressed body exceeds"):
        await fetch(harness(max_body_size=5_000_000), site.url("/bomb"))


async def test_invalid_gzip_is_a_clear_error(site: TestSite, harness) -> None:
    site.fault("/bad", "bad_gzip")
    with pytest.raises(FetchError, match="invalid gzip body"):
        await fetch(harness(), site.url("/bad"))


def test_gzip_and_deflate_bodies_are_decoded() -> None:
    import zlib

    assert decode_content(gzip.compress(b"hello"), "gzip", 100, "u") == b"hello"
    assert decode_content(zlib.compress(b"hello"), "deflate", 100, "u") == b"hello"
    raw = zlib.compressobj(wbits=-15)
    assert decode_content(raw.compress(b"hi") + raw.flush(), "deflate", 100, "u") == b"hi"


# -- SSRF guard ------------------------------------------------------------------------------
async def test_private_addresses_are_refused_by_default(site: TestSite, harness) -> None:
    site.add("/p", "x")
    with pytest.raises(BlockedError, match="private, loopback or reserved"):
        await fetch(harness(allow_private_addresses=False), site.url("/p"))
    assert not site.requests


async def test_a_redirect_to_a_private_address_is_refused(harness) -> None:
    from scraper.fetch.netguard import is_public_address

    for address in (
        "127.0.0.1",
        "::1",
        "169.254.169.254",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.4",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "fe80::1",
        "224.0.0.1",
    ):
        assert not is_public_address(address), address
    assert is_public_address("93.184.216.34")
    h = harness(allow_private_addresses=False)
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[::1]:9/", "http://10.0.0.1/"):
        with pytest.raises(BlockedError):
            await fetch(h, url)


async def test_non_http_schemes_are_refused(harness) -> None:
    with pytest.raises(BlockedError, match="only http and https"):
        await fetch(harness(), "file:///etc/passwd")


# -- WARC ------------------------------------------------------------------------------------
async def test_every_exchange_is_in_valid_warc_files(site: TestSite, harness) -> None:
    site.add("/a", "<html>a</html>")
    site.add("/b", "<html>a</html>")  # the same payload: a revisit record
    site.fault("/e", "status", status=404)
    h = harness()
    async with h.fetcher() as fetcher:
        await fetcher.fetch(site.url("/a"))
        await fetcher.fetch(site.url("/b"))
        with pytest.raises(HTTPStatusError):
            await fetcher.fetch(site.url("/e"))
    h.warc.close()
    files = sorted((h.root / "warc").glob("*.warc.gz"))
    assert files
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run(
        [
            sys.executable,
            "-m",
            "warcio.cli",
            "index",
            "-f",
            "warc-type,warc-target-uri,http:status,warc-payload-digest",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = index.stdout.splitlines()
    types = [line.split('"warc-type": "')[1].split('"')[0] for line in lines]
    assert types.count("request") == 4  # robots, a, b, e
    assert types.count("revisit") == 1
    assert any(site.url("/e") in line and '"404"' in line for line in lines)
    log = h.store.fetch_log(site.url("/a"))
    assert log[0].warc is not None and log[0].warc.file


def test_a_torn_warc_tail_is_cut_when_the_archive_reopens(tmp_path: Path) -> None:
    from scraper.store.warc import HttpCapture

    pool = WarcWriterPool(tmp_path / "warc", tmp_path)
    capture = HttpCapture(
        url="http://example.org/",
        method="GET",
        target="/",
        request_headers=[("Host", "example.org")],
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html")],
        payload=b"<html>x</html>",
        fetched_at=datetime.now(UTC),
    )
    pool.write(capture)
    path = next((tmp_path / "warc").glob("*.warc.gz"))
    good = path.stat().st_size
    with path.open("ab") as handle:  # a crash mid-record leaves half a gzip member
        handle.write(gzip.compress(b"WARC/1.1\r\n" + os.urandom(2000))[:57])
    pool._file = None  # the writer died without closing  # noqa: SLF001
    repaired = WarcWriterPool(tmp_path / "warc", tmp_path).repair_torn_files()
    reopened = WarcWriterPool(tmp_path / "warc", tmp_path)
    assert path.stat().st_size == good
    assert repaired == [] and reopened  # the second pool found it already repaired by the first


async def _noop() -> AsyncIterator[None]:
    yield None

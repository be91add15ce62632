"""The TestSite fixture itself: every fault must behave as documented, quickly."""

from __future__ import annotations

import gzip
import json
import resource
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

import feedparser
import httpx
import pytest

from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.testsite import (
    FeedItem,
    MiB,
    TestSite,
    atom_feed,
    json_feed,
    page_title,
    publish_corpus,
    rss_feed,
)


@pytest.fixture
def site() -> Iterator[TestSite]:
    with TestSite() as server:
        yield server
    assert not server.errors, server.errors


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def raw_request(site: TestSite, path: str, timeout: float = 2.0) -> socket.socket:
    """A socket that has sent a plain GET for ``path``; the caller reads the reply."""
    sock = socket.create_connection((site.host, site.port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {site.host}\r\n\r\n".encode())
    return sock


def wait_for(predicate: object, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(0.01)
    return False


# -- plain serving -------------------------------------------------------------------------------


def test_serves_resources_404_head_and_keep_alive(site: TestSite, client: httpx.Client) -> None:
    assert site.base_url == f"http://127.0.0.1:{site.port}"
    url = site.add("/a.html", "<p>héllo</p>", headers={"X-Extra": "1"})
    assert url == site.url("/a.html") == site.url("a.html")
    site.add("/q?page=2", b"second page", content_type="text/plain")
    site.add("/q", b"any page", content_type="text/plain")

    response = client.get(url)
    assert response.status_code == 200
    assert response.text == "<p>héllo</p>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-extra"] == "1"
    assert client.get(site.url("/q?page=2")).text == "second page"
    assert client.get(site.url("/q?page=3")).text == "any page"
    assert client.get(site.url("/missing")).status_code == 404
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len("<p>héllo</p>".encode()))
    site.remove("/a.html")
    assert client.get(url).status_code == 404

    ports = {request.client[1] for request in site.requests}
    assert len(site.requests) == 6 and len(ports) == 1  # one kept-alive connection


def test_status_resource_and_robots(site: TestSite, client: httpx.Client) -> None:
    assert client.get(site.url("/robots.txt")).status_code == 404
    site.robots("User-agent: *\nDisallow: /private\n")
    response = client.get(site.url("/robots.txt"))
    assert (
        response.text.startswith("User-agent: *")
        and "text/plain" in response.headers["content-type"]
    )
    site.add("/robots.txt", status=503)
    assert client.get(site.url("/robots.txt")).status_code == 503
    site.robots(None)
    assert client.get(site.url("/robots.txt")).status_code == 404


def test_conditional_requests(site: TestSite, client: httpx.Client) -> None:
    stamp = "Wed, 01 May 2024 10:00:00 GMT"
    url = site.add("/feed", "<rss/>", etag="v1", last_modified=stamp)
    first = client.get(url)
    assert first.headers["etag"] == '"v1"' and first.headers["last-modified"] == stamp

    not_modified = client.get(url, headers={"If-None-Match": 'W/"v1"'})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == '"v1"'
    assert client.get(url, headers={"If-None-Match": '"v0"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": stamp}).status_code == 304
    older = "Tue, 30 Apr 2024 10:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    # If-None-Match wins over If-Modified-Since when both are sent.
    both = {"If-None-Match": '"v0"', "If-Modified-Since": stamp}
    assert client.get(url, headers=both).status_code == 200

    plain = site.add("/plain", "x")
    assert client.get(plain, headers={"If-None-Match": "*"}).status_code == 200
    assert [r.status for r in site.requests] == [200, 304, 200, 304, 200, 200, 200]


# -- faults ------------------------------------------------------------------------------------


def test_status_fault_overrides_resource_until_cleared(
    site: TestSite, client: httpx.Client
) -> None:
    url = site.add("/page", "fine")
    site.fault("/page", "status", status=429, headers={"Retry-After": "7"}, body="slow down")
    response = client.get(url)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7" and response.text == "slow down"
    site.fault("/page", None)
    assert client.get(url).text == "fine"


def test_fault_arguments_are_checked(site: TestSite) -> None:
    with pytest.raises(ValueError):
        site.fault("/x", "explode")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        site.fault("/x", "drip", speed=3)
    with pytest.raises(TypeError):
        site.fault("/x", "redirect")


def test_hang_trips_client_timeout(site: TestSite) -> None:
    site.fault("/hang", "hang")
    started = time.monotonic()
    with httpx.Client(timeout=0.3) as http, pytest.raises(httpx.ReadTimeout):
        http.get(site.url("/hang"))
    assert time.monotonic() - started < 1.5
    (record,) = site.requests
    assert record.status is None
    assert wait_for(lambda: record.finished is not None)  # handler notices the client left


def test_drip_defeats_read_timeout(site: TestSite) -> None:
    site.fault("/drip", "drip", bytes_per_chunk=10, interval=0.05, total=100)
    started = time.monotonic()
    with httpx.Client(timeout=0.5) as http:
        response = http.get(site.url("/drip"))
    elapsed = time.monotonic() - started
    assert len(response.content) == 100
    assert 0.45 <= elapsed < 2.0


def test_drip_can_include_the_headers(site: TestSite) -> None:
    site.fault("/drip", "drip", bytes_per_chunk=5, interval=0.05, total=10, headers_too=True)
    sock = raw_request(site, "/drip")
    first = sock.recv(1024)
    assert first == b"HTTP/"
    sock.close()


def test_reset_sends_rst_after_partial_body(site: TestSite, client: httpx.Client) -> None:
    site.fault("/reset", "reset", body=b"a" * 10_000, after=3_000)
    sock = raw_request(site, "/reset")
    received = b""
    with pytest.raises(ConnectionResetError):
        while chunk := sock.recv(65536):
            received += chunk
            time.sleep(0.02)
    sock.close()
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Content-Length: 10000" in head and body == b"a" * 3_000
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.get(site.url("/reset"))


def test_bad_length_is_an_incomplete_body(site: TestSite, client: httpx.Client) -> None:
    site.add("/short", "short body")
    site.fault("/short", "bad_length")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(site.url("/short"))


def test_bad_gzip_fails_to_decode(site: TestSite, client: httpx.Client) -> None:
    site.fault("/gz", "bad_gzip")
    with pytest.raises(httpx.DecodingError):
        client.get(site.url("/gz"))


def test_gzip_bomb_is_small_on_the_wire_and_valid_gzip(
    site: TestSite, client: httpx.Client
) -> None:
    site.fault("/bomb", "gzip_bomb")
    with client.stream("GET", site.url("/bomb")) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert int(response.headers["content-length"]) < 300_000
        first = next(response.iter_raw(4096))
    assert first[:2] == b"\x1f\x8b"
    inflated = zlib.decompressobj(31).decompress(first, 1 * MiB)
    assert len(inflated) == MiB and inflated == bytes(MiB)

    size = 3 * MiB + 123  # small enough to check exactly, trailer (CRC, size) included
    site.fault("/small-bomb", "gzip_bomb", size=size)
    with client.stream("GET", site.url("/small-bomb")) as response:
        wire = b"".join(response.iter_raw())
    assert gzip.decompress(wire) == bytes(size)
    assert client.get(site.url("/small-bomb")).content == bytes(size)  # httpx inflates too


def test_huge_is_streamed_not_buffered(site: TestSite, client: httpx.Client) -> None:
    site.fault("/huge", "huge")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    received = 0
    with client.stream("GET", site.url("/huge")) as response:
        assert response.headers["content-length"] == str(100 * MiB)
        for chunk in response.iter_raw(MiB):
            received += len(chunk)
    assert received == 100 * MiB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 40 * 1024


def test_huge_chunked_close_delimited_and_abandoned(site: TestSite, client: httpx.Client) -> None:
    site.fault("/chunked", "huge", size=5 * MiB + 7, chunked=True)
    response = client.get(site.url("/chunked"))
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers and len(response.content) == 5 * MiB + 7

    site.fault("/eof", "huge", size=MiB, content_length=False)
    response = client.get(site.url("/eof"))
    assert "content-length" not in response.headers and len(response.content) == MiB

    site.fault("/abandoned", "huge")  # client reads a little and leaves: server must stop
    with client.stream("GET", site.url("/abandoned")) as response:
        next(response.iter_raw(MiB))
    assert site.wait_idle()


def test_redirects(site: TestSite, client: httpx.Client) -> None:
    target = site.add("/new", "moved here")
    site.fault("/old", "redirect", location="/new", status=301)
    site.fault("/temp", "redirect", location=target, status=307)
    response = client.get(site.url("/old"), follow_redirects=True)
    assert response.text == "moved here" and response.history[0].status_code == 301
    assert client.get(site.url("/temp")).headers["location"] == target


def test_redirect_loop_and_cycle(site: TestSite) -> None:
    site.fault("/loop", "redirect_loop")
    site.fault("/cycle", "redirect_loop", cycle=True, status=301)
    with httpx.Client(max_redirects=4, follow_redirects=True) as http:
        with pytest.raises(httpx.TooManyRedirects):
            http.get(site.url("/loop"))
        with pytest.raises(httpx.TooManyRedirects):
            http.get(site.url("/cycle"))
    paths = [record.path for record in site.requests]
    assert paths[:5] == ["/loop", "/loop/1", "/loop/2", "/loop/3", "/loop/4"]
    assert paths[5:] == ["/cycle", "/cycle/1", "/cycle", "/cycle/1", "/cycle"]


def test_latency_fault_and_global_latency(site: TestSite, client: httpx.Client) -> None:
    url = site.add("/p", "ok")
    site.fault("/p", "latency", seconds=0.2)
    started = time.monotonic()
    assert client.get(url).text == "ok"
    assert 0.2 <= time.monotonic() - started < 1.0
    site.fault("/p", None)
    site.latency = 0.15
    started = time.monotonic()
    assert client.get(site.url("/missing")).status_code == 404
    assert 0.15 <= time.monotonic() - started < 1.0


def test_empty(site: TestSite, client: httpx.Client) -> None:
    site.add("/e", "not empty")
    site.fault("/e", "empty")
    response = client.get(site.url("/e"))
    assert response.status_code == 200 and response.content == b""


# -- log, concurrency, hosts, shutdown ---------------------------------------------------------


def test_request_log_and_max_in_flight(site: TestSite) -> None:
    site.add("/slow", "ok")
    site.fault("/slow", "latency", seconds=0.3)
    with httpx.Client(limits=httpx.Limits(max_connections=10)) as http:
        threads = [
            threading.Thread(target=http.get, args=(site.url(f"/slow?n={n}"),)) for n in range(5)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert site.wait_idle()
        assert site.max_in_flight == 5

        site.reset_stats()
        site.clear_log()
        http.get(site.url("/slow"), headers={"X-Probe": "yes"})
        http.get(site.url("/slow"))
    assert site.wait_idle()
    assert site.max_in_flight == 1
    first, second = site.requests
    assert first.method == "GET" and first.path == "/slow"
    assert first.headers["x-probe"] == first.headers["X-PROBE"] == "yes"
    assert "User-Agent" in first.headers
    assert first.host_header == f"127.0.0.1:{site.port}" and first.client[0] == "127.0.0.1"
    assert first.finished is not None and first.finished - first.started >= 0.3
    assert second.started >= first.finished
    assert len(site.requests_to("/slow")) == 2


def test_two_hosts_at_once(client: httpx.Client) -> None:
    with TestSite("127.0.0.1") as one, TestSite("127.0.0.2") as two:
        one.add("/", "one")
        two.add("/", "two")
        assert two.base_url.startswith("http://127.0.0.2:")
        assert client.get(one.url("/")).text == "one"
        assert client.get(two.url("/")).text == "two"
        assert [r.path for r in one.requests] == [r.path for r in two.requests] == ["/"]
        assert two.requests[0].host_header == f"127.0.0.2:{two.port}"


def test_close_is_quick_with_hung_connections() -> None:
    site = TestSite()
    site.fault("/hang", "hang")
    site.fault("/drip", "drip", interval=5.0)
    site.add("/ok", "ok")
    idle = socket.create_connection((site.host, site.port))  # connected, never sends
    partial = socket.create_connection((site.host, site.port))
    partial.sendall(b"GET /ok HTTP/1.1\r\nHost: x\r\n")  # head never finished
    hung = raw_request(site, "/hang")
    dripping = raw_request(site, "/drip")
    assert wait_for(lambda: len(site.requests) == 2)

    started = time.monotonic()
    site.close()
    assert time.monotonic() - started < 1.0
    assert not site.errors
    for sock in (idle, partial, hung, dripping):
        sock.close()
    with pytest.raises(OSError):
        socket.create_connection((site.host, site.port), timeout=1)


# -- feeds and corpus --------------------------------------------------------------------------

TRICKY = [
    FeedItem(
        url="http://127.0.0.1/a?x=1&y=<2>",
        title='Fish & "chips" <b>now</b> – ünïcode',
        guid="tag:test,2024:a",
        published=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        summary="A < B && C > D\x0c",
        authors=("Ann O'Neil", "Bob"),
        tags=("food", "r&d"),
    ),
    FeedItem(url="http://127.0.0.1/b", title="Plain", published=datetime(2024, 5, 2, 8, 0)),
]


@pytest.mark.parametrize("build", [rss_feed, atom_feed])
def test_xml_feeds_escape_and_parse(build: object) -> None:
    assert callable(build)
    parsed = feedparser.parse(build(TRICKY, title="T & T", link="http://127.0.0.1/"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "T & T"
    first, second = parsed.entries
    assert first.title == TRICKY[0].title and first.link == TRICKY[0].url
    assert first.id == "tag:test,2024:a"
    assert first.summary == "A < B && C > D"
    assert first.published_parsed[:5] == (2024, 5, 1, 12, 30)
    assert [tag.term for tag in first.tags] == ["food", "r&d"]
    assert [author.name for author in first.authors] == ["Ann O'Neil", "Bob"]
    assert second.published_parsed[:4] == (2024, 5, 2, 8)  # naive means UTC


def test_json_feed() -> None:
    document = json.loads(json_feed(TRICKY, feed_url="http://127.0.0.1/feed.json"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    first, second = document["items"]
    assert first["id"] == "tag:test,2024:a" and first["title"] == TRICKY[0].title
    assert first["date_published"] == "2024-05-01T12:30:00+00:00"
    assert first["authors"] == [{"name": "Ann O'Neil"}, {"name": "Bob"}]
    assert second["id"] == second["url"] == "http://127.0.0.1/b"


def test_corpus_loads_sorted_and_cached() -> None:
    require_corpus()
    pages = load_pages()
    assert len(pages) > 100
    assert [page.id for page in pages] == sorted(page.id for page in pages)
    assert load_pages(3) == pages[:3]
    assert all(page.html and page.url.startswith("http") for page in pages[:20])
    assert sum(bool(page.body) for page in pages) > 100


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_publish_corpus(site: TestSite, client: httpx.Client, kind: str) -> None:
    require_corpus()
    pages = load_pages(5)
    urls = publish_corpus(site, pages, feed_path=f"/feed.{kind}", kind=kind)  # type: ignore[arg-type]
    assert urls[0] == site.url(f"/articles/{pages[0].id[:12]}.html")
    response = client.get(site.url(f"/feed.{kind}"))
    if kind == "json":  # feedparser 6.0 does not read JSON Feed
        items = response.json()["items"]
        links = [item["url"] for item in items]
        titles = [item["title"] for item in items]
    else:
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        links = [entry.link for entry in parsed.entries]
        titles = [entry.title for entry in parsed.entries]
        dates = [entry.published_parsed for entry in parsed.entries]
        assert dates == sorted(dates, reverse=True)
    assert links == urls
    assert titles == [page_title(page) for page in pages]
    assert client.get(urls[2]).text == pages[2].html


def test_page_title_falls_back_to_id() -> None:
    page = CorpusPage(id="abc", url="http://x/", html="<html><body>no title</body></html>", body="")
    assert page_title(page) == "abc"
    titled = CorpusPage(id="abc", url="", html="<TITLE> A &amp;\n B </TITLE>", body="")
    assert page_title(titled) == "A & B"

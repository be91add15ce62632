"""Notifications through Apprise, received by real local HTTP receivers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, page_title, rss_feed


class Receiver:
    """A webhook endpoint on 127.0.0.1 that records JSON bodies; it can fail or hang."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.bodies: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                if receiver.mode == "hang":
                    time.sleep(30)
                    return
                receiver.bodies.append(json.loads(data or b"{}"))
                self.send_response(500 if receiver.mode == "fail" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook?cto=2&rto=2"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def notify_config(tmp_path, site: TestSite, rules: list[str]):  # type: ignore[no-untyped-def]
    path = write_config(tmp_path, [{"name": "origin", "feed": site.url("/feed.xml")}])
    path.write_text(path.read_text() + "\n" + "\n".join(rules) + "\n")
    return path


def publish_one(site: TestSite):  # type: ignore[no-untyped-def]
    page = load_pages(1)[0]
    site.add("/a.html", page.html)
    site.add(
        "/feed.xml",
        rss_feed([FeedItem(site.url("/a.html"), page_title(page))]),
        content_type="application/rss+xml",
    )
    return page


def test_new_articles_and_new_versions_reach_a_json_webhook(
    site: TestSite, tmp_path, cli, receiver: Receiver
) -> None:
    require_corpus()
    page = publish_one(site)
    config = notify_config(
        tmp_path,
        site,
        [
            "[[notify]]",
            f'urls = ["{receiver.url}"]',
            'events = ["new_article", "new_version"]',
            'sources = ["origin"]',
        ],
    )
    assert cli("fetch", "--config", str(config)).code == 0
    assert len(receiver.bodies) == 1
    body = receiver.bodies[0]
    assert "New article" in body["title"] and site.url("/a.html") in body["message"]
    assert "archived: file://" in body["message"]
    first = page.body.split()[5]
    site.add("/a.html", page.html.replace(first, "REWRITTEN", 1))
    cli("fetch", "--revisit", "--config", str(config))
    assert len(receiver.bodies) == 2
    assert "Edited" in receiver.bodies[1]["title"] and "REWRITTEN" in receiver.bodies[1]["message"]


def test_keywords_filter_new_articles(site: TestSite, tmp_path, cli, receiver: Receiver) -> None:
    require_corpus()
    publish_one(site)
    config = notify_config(
        tmp_path,
        site,
        [
            "[[notify]]",
            f'urls = ["{receiver.url}"]',
            'events = ["new_article"]',
            'keywords = ["zzzz-not-in-any-article"]',
        ],
    )
    assert cli("fetch", "--config", str(config)).code == 0
    assert receiver.bodies == []


def test_a_failing_source_is_notified_once(site: TestSite, tmp_path, cli, receiver) -> None:
    site.fault("/feed.xml", "status", status=404)
    config = notify_config(
        tmp_path, site, ["[[notify]]", f'urls = ["{receiver.url}"]', 'events = ["source_failing"]']
    )
    for _ in range(4):
        cli("fetch", "--config", str(config))
    assert len(receiver.bodies) == 1 and "Source failing" in receiver.bodies[0]["title"]


@pytest.mark.parametrize("mode", ["fail", "hang"])
def test_a_broken_receiver_never_holds_the_pipeline_up(
    site: TestSite, tmp_path, cli, mode: str
) -> None:
    require_corpus()
    publish_one(site)
    broken = Receiver(mode)
    try:
        config = notify_config(
            tmp_path, site, ["[[notify]]", f'urls = ["{broken.url}"]', 'events = ["new_article"]']
        )
        began = time.monotonic()
        result = cli("fetch", "--config", str(config))
        assert result.code == 0 and "origin: 1 new" in result.out
        assert time.monotonic() - began < 20  # bounded by the drain, whatever the receiver does
        assert len(cli("export", "--config", str(config)).jsonl()) == 1
    finally:
        broken.close()


def test_a_bad_notify_config_names_the_key(site: TestSite, tmp_path, cli) -> None:
    config = notify_config(
        tmp_path, site, ["[[notify]]", 'urls = ["json://127.0.0.1:9/x"]', 'events = ["new_tweet"]']
    )
    result = cli("fetch", "--config", str(config))
    assert result.code == 2 and "notify[0].events: unknown event 'new_tweet'" in result.err

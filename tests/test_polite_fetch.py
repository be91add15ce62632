"""Fetch-layer behaviours seen through `scraper fetch`, as a user meets them."""

from __future__ import annotations

import httpx

from scraper.store.sqlite import SQLiteStore
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus


def test_second_poll_of_an_unchanged_feed_is_conditional(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    publish_corpus(site, load_pages(2), "/feed.xml", "rss")
    site.add("/feed.xml", _feed_text(site), content_type="application/rss+xml", etag='"f1"')
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    site.clear_log()
    again = cli("fetch", "--config", str(config))
    assert again.code == 0 and "feed not modified" in again.out
    assert [r.status for r in site.requests] == [304]


def _feed_text(site: TestSite) -> str:
    return httpx.get(site.url("/feed.xml")).text


def test_retry_after_is_persisted_between_runs_and_force_overrides(
    site: TestSite, tmp_path, cli
) -> None:
    site.fault("/feed.xml", "status", status=503, headers={"Retry-After": "3600"})
    config = write_config(tmp_path, [{"name": "busy", "feed": site.url("/feed.xml")}])
    first = cli("fetch", "--config", str(config))
    assert first.code == 1 and "HTTP 503" in first.err and "next try after" in first.err
    site.clear_log()
    second = cli("fetch", "--config", str(config))
    assert second.code == 1 and "asked us to wait" in second.err and "next try after" in second.err
    assert not site.requests
    site.fault("/feed.xml", None)
    site.add(
        "/feed.xml",
        "<rss version='2.0'><channel><title>t</title></channel></rss>",
        content_type="application/rss+xml",
    )
    forced = cli("fetch", "--force", "--config", str(config))
    assert forced.code == 0, forced.err


def test_permanent_redirect_updates_the_feed_url(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    publish_corpus(site, load_pages(1), "/new-feed.xml", "atom")
    site.fault("/old-feed.xml", "redirect", location=site.url("/new-feed.xml"), status=301)
    config = write_config(tmp_path, [{"name": "moved", "feed": site.url("/old-feed.xml")}])
    assert cli("fetch", "-v", "--config", str(config)).code == 0
    store = SQLiteStore(tmp_path / "archive")
    assert store.source_state("moved").feed_url == site.url("/new-feed.xml")
    store.close()
    site.clear_log()
    cli("fetch", "--config", str(config))
    assert not site.requests_to("/old-feed.xml") and site.requests_to("/new-feed.xml")


def test_410_gone_disables_the_source_with_a_clear_message(site: TestSite, tmp_path, cli) -> None:
    site.fault("/feed.xml", "status", status=410)
    config = write_config(tmp_path, [{"name": "dead", "feed": site.url("/feed.xml")}])
    first = cli("fetch", "--config", str(config))
    assert first.code == 1 and "410 Gone" in first.err and "disabled" in first.err
    site.clear_log()
    second = cli("fetch", "--config", str(config))
    assert "disabled" in second.err and not site.requests


def test_pages_that_are_not_html_are_skipped_with_a_reason(site: TestSite, tmp_path, cli) -> None:
    from tests.testsite import FeedItem, rss_feed

    site.add("/doc.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    site.add("/img", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, content_type="text/html")
    items = [FeedItem(site.url("/doc.pdf"), "pdf"), FeedItem(site.url("/img"), "png")]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "odd", "feed": site.url("/feed.xml")}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 1
    assert "doc.pdf: not an HTML page (application/pdf)" in result.err
    assert "/img: not an HTML page" in result.err


def test_an_html_page_served_as_the_feed_is_a_clear_error(site: TestSite, tmp_path, cli) -> None:
    site.add("/feed.xml", "<!DOCTYPE html><html><body>Home</body></html>")
    config = write_config(tmp_path, [{"name": "html", "feed": site.url("/feed.xml")}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 1 and "not a feed: the server sent an HTML page" in result.err


def test_robots_disallowed_entries_are_skipped_not_fetched(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    pages = load_pages(2)
    publish_corpus(site, pages[:1], "/feed.xml", "rss", prefix="/private/")
    site.robots("User-agent: *\nDisallow: /private/\n")
    config = write_config(tmp_path, [{"name": "r", "feed": site.url("/feed.xml")}])
    result = cli("fetch", "--config", str(config))
    assert "skipped: r: " in result.err and "robots.txt" in result.err
    assert not site.requests_to("/private/" + pages[0].id[:12] + ".html")

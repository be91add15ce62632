"""A block or stub page fetched in place of an article is a failure of kind "blocked": one line
naming the source and the URL, counted in the source's health, never an article nor a version.
Over real HTTP (tests/testsite.py), with the realistic block pages of tests/data/blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.test_daemon import export, start, status, stop, wait_for
from tests.testsite import FeedItem, TestSite, rss_feed

BLOCK_PAGES = Path(__file__).parent / "data" / "blocked"


def _article(site: TestSite) -> tuple[str, str]:
    """A real article on `site`: its URL and its HTML."""
    require_corpus()
    page = max(load_pages(10), key=lambda p: len(p.body))
    return site.add("/real.html", page.html), page.html


def _status(cli, config: Path) -> dict:  # type: ignore[no-untyped-def]
    [source] = json.loads(cli("status", "--json", "--config", str(config)).out)["sources"]
    return source


def _log_lines(err: str, url: str) -> list[str]:
    """The log lines (`TIME LEVEL SOURCE URL MESSAGE`) about `url`, their messages."""
    return [
        line.split(f" s {url} ", 1)[1]
        for line in err.splitlines()
        if not line.startswith("error:") and f" s {url} " in line
    ]


@pytest.mark.parametrize(
    ("fixture", "status", "kind"),
    [
        ("challenge-cloudflare-en.html", 403, "a bot challenge"),
        ("challenge-cloudflare-fr.html", 503, "a bot challenge"),
        ("challenge-datadome.html", 200, "a bot challenge"),
        ("denied-akamai-en.html", 403, "an access-denied page"),
        ("rate-limit-en.html", 429, "a rate-limit page"),
        ("javascript-cra.html", 200, "a JavaScript shell"),
        ("consent-yahoo-de.html", 200, "a consent wall"),
        ("paywall-fr.html", 200, "a paywall teaser"),
    ],
)
def test_a_page_answered_with_a_block_page_is_blocked_and_stores_nothing(
    site: TestSite, site2: TestSite, tmp_path, cli, fixture: str, status: int, kind: str
) -> None:
    real_url, _ = _article(site2)  # another host: a 429 or 503 holds back only its own host
    blocked_url = site.add("/story.html", (BLOCK_PAGES / fixture).read_bytes(), status=status)
    items = [FeedItem(blocked_url, "Story", guid="b"), FeedItem(real_url, "Real", guid="r")]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])

    result = cli("fetch", "-v", "--config", str(config))

    assert result.code == 1
    assert f"error: s: {blocked_url}: blocked: {kind}" in result.err
    assert "1 new" in result.out and "1 failed" in result.out
    [line] = _log_lines(result.err, blocked_url)  # one line, naming the source and the URL
    assert line.startswith(f"blocked: {kind}")
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["url"] == real_url  # the real article only
    health = _status(cli, config)["health"]
    assert (health["blocked_pages"], health["failed_pages"]) == (1, 1)
    assert health["last_blocked"]["url"] == blocked_url


def test_a_blocked_page_is_fetched_again_at_the_next_poll_and_archived_once_it_is_back(
    site: TestSite, tmp_path, cli
) -> None:
    real_url, html = _article(site)
    shell = (BLOCK_PAGES / "javascript-cra.html").read_bytes()
    site.add("/real.html", shell)
    feed = rss_feed([FeedItem(real_url, "Real", guid="r")])
    site.add("/feed.xml", feed, etag='"f1"', content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 1
    assert cli("export", "--config", str(config)).jsonl() == []

    site.add("/real.html", html)
    again = cli("fetch", "--config", str(config))

    assert again.code == 0, again.err
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["url"] == real_url and record["versions"] == 1


def test_an_empty_200_page_is_a_failure_of_its_page(site: TestSite, tmp_path, cli) -> None:
    empty_url = site.url("/empty.html")
    site.fault("/empty.html", "empty")
    feed = rss_feed([FeedItem(empty_url, "Empty")])
    site.add("/feed.xml", feed, content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])

    result = cli("fetch", "--config", str(config))

    assert result.code == 1
    assert f"error: s: {empty_url}: HTTP 200 with no content" in result.err
    assert cli("export", "--config", str(config)).jsonl() == []
    health = _status(cli, config)["health"]
    assert (health["failed_pages"], health["blocked_pages"]) == (1, 0)


def test_a_revisit_answered_by_a_js_shell_makes_no_version_nor_does_the_page_coming_back(
    site: TestSite, tmp_path, cli
) -> None:
    require_corpus()
    real_url, html = _article(site)
    feed = rss_feed([FeedItem(real_url, "Real", guid="r")])
    site.add("/feed.xml", feed, content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0

    site.add("/real.html", (BLOCK_PAGES / "javascript-vue.html").read_bytes())
    shell = cli("fetch", "-v", "--revisit", "--config", str(config))

    assert shell.code == 1
    assert f"error: s: {real_url}: blocked: a JavaScript shell" in shell.err
    [line] = _log_lines(shell.err, real_url)
    assert line.startswith("revisited: failed: blocked: a JavaScript shell")
    [record] = cli("export", "--config", str(config)).jsonl()
    assert record["versions"] == 1
    assert _status(cli, config)["health"]["blocked_pages"] == 1

    site.add("/real.html", html)  # the real page comes back, unchanged
    back = cli("fetch", "--revisit", "--config", str(config))

    assert back.code == 0, back.err
    assert "updated" not in back.out
    versions = cli("export", "--versions", "--config", str(config)).jsonl()
    assert [v["version"] for v in versions] == [1]


def test_a_bare_403_for_a_page_is_access_denied(site: TestSite, tmp_path, cli) -> None:
    url = site.add("/story.html", b"", status=403)
    feed = rss_feed([FeedItem(url, "Story")])
    site.add("/feed.xml", feed, content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])

    result = cli("fetch", "--config", str(config))

    assert result.code == 1
    assert f"error: s: {url}: blocked: an access-denied page (HTTP 403)" in result.err
    assert _status(cli, config)["health"]["blocked_pages"] == 1


def test_the_daemon_hands_no_block_page_to_its_extraction_stage(site: TestSite, tmp_path) -> None:
    """The daemon fetches and hands pages over to extraction: a block page stops before."""
    real_url, _ = _article(site)
    shell_url = site.add("/shell.html", (BLOCK_PAGES / "javascript-zh.html").read_bytes())
    items = [FeedItem(shell_url, "Shell", guid="s"), FeedItem(real_url, "Real", guid="r")]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])

    daemon = start(config)
    try:
        wait_for(lambda: status(config)["articles"] == 1)
        wait_for(lambda: status(config)["sources"][0]["health"]["blocked_pages"] == 1)
    finally:
        code, err = stop(daemon)

    assert code == 0, err
    assert [record["url"] for record in export(config)] == [real_url]
    [line] = _log_lines(err, shell_url)  # one line (the daemon logged its failures twice)
    assert line.startswith("blocked: a JavaScript shell")


def test_a_feed_answered_by_a_challenge_page_fails_as_blocked(site, tmp_path, cli) -> None:
    challenge = (BLOCK_PAGES / "challenge-cloudflare-en.html").read_text(encoding="utf-8")
    site.add("/feed.xml", challenge, status=403)
    site.add("/feed2.xml", challenge)  # a 200 whose body is the challenge, not a feed
    sources = [
        {"name": "a", "feed": site.url("/feed.xml")},
        {"name": "b", "feed": site.url("/feed2.xml")},
    ]
    config = write_config(tmp_path, sources)
    result = cli("fetch", "--config", str(config))
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and all("blocked:" in line for line in errors), result.err

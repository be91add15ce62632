"""`scraper compare`, `scraper prune` and the archive's size by part."""

from __future__ import annotations

import json

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, page_title, rss_feed


def test_compare_shows_what_a_republisher_changed(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    page = load_pages(1)[0]
    first_sentence = page.body.split("\n")[0]
    copy = page.html.replace(first_sentence, first_sentence + " Republished with permission.", 1)
    site.add("/original.html", page.html)
    site.add("/copy.html", copy)
    items = [
        FeedItem(site.url("/original.html"), page_title(page)),
        FeedItem(site.url("/copy.html"), page_title(page)),
    ]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    cli("fetch", "--config", str(config))
    result = cli(
        "compare",
        site.url("/original.html"),
        site.url("/copy.html"),
        "--no-color",
        "--config",
        str(config),
    )
    assert result.code == 0 and "{+Republished with permission.+}" in result.out
    assert cli("compare", "nope", site.url("/copy.html"), "--config", str(config)).code == 1


def test_prune_says_what_it_removes_and_dry_run_removes_nothing(
    site: TestSite, tmp_path, cli
) -> None:
    require_corpus()
    pages = load_pages(2)
    items = []
    for index, page in enumerate(pages):
        site.add(f"/{index}.html", page.html)
        items.append(FeedItem(site.url(f"/{index}.html"), page_title(page)))
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "feed": site.url("/feed.xml")}])
    cli("fetch", "--config", str(config))
    dry = cli(
        "prune", "--source", "s", "--before", "2999-01-01", "--dry-run", "--config", str(config)
    )
    assert dry.code == 0 and dry.out.count("would remove ") == 3  # two lines and the total
    assert len(cli("export", "--config", str(config)).jsonl()) == 2
    kept = cli("prune", "--source", "s", "--before", "2000-01-01", "--config", str(config))
    assert "removed 0 articles" in kept.out
    gone = cli("prune", "--source", "s", "--before", "2999-01-01", "--config", str(config))
    assert "removed 2 articles" in gone.out
    assert cli("export", "--config", str(config)).jsonl() == []
    assert not list((tmp_path / "archive").rglob("metadata.json"))
    assert cli("verify", "--config", str(config)).code == 0
    assert cli("search", "the", "--config", str(config)).code == 1  # gone from the index too
    status = json.loads(cli("status", "--json", "--config", str(config)).out)
    assert status["sizes"]["warc"] > 0 and status["sizes"]["index"] > 0

"""The archive's Atom feeds, read back by their consumer: feedparser."""

from __future__ import annotations

import re
import sqlite3

import feedparser

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, page_title, rss_feed


def read(path):  # type: ignore[no-untyped-def]
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feeds_of_new_articles_edits_and_republications(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    pages = load_pages(3)
    items = []
    for index, page in enumerate(pages):
        site.add(f"/{index}.html", page.html)
        items.append(FeedItem(site.url(f"/{index}.html"), page_title(page)))
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "origin", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    feeds = tmp_path / "archive" / "site" / "feeds"
    source = read(feeds / "source-origin.xml")
    assert len(source.entries) == 3
    ids = {e.id for e in source.entries}
    assert all(i.startswith("urn:scraper:article:") for i in ids)

    word = re.findall(r"\b[a-z]{6,}\b", pages[0].body)[3]
    # Every occurrence: a word's first one may sit in a script rather than in the text.
    site.add("/0.html", pages[0].html.replace(word, "EDITEDWORD"))
    cli("fetch", "--revisit", "--config", str(config))
    changes = read(feeds / "changes.xml")
    assert len(changes.entries) == 1
    assert "EDITEDWORD" in changes.entries[0].content[0].value
    assert changes.entries[0].id.endswith(":2")

    records = cli("export", "--config", str(config)).jsonl()
    original, copy = records[0], records[1]
    with sqlite3.connect(tmp_path / "archive" / "index.sqlite") as db:
        db.execute(
            "UPDATE articles SET story_id = ?, original_url = ? WHERE id = ?",
            (original["id"], original["url"], copy["id"]),
        )
        db.execute(
            "UPDATE articles SET story_id = ? WHERE id = ?", (original["id"], original["id"])
        )
    assert cli("build-site", "--config", str(config)).code == 0
    stories = read(feeds / "stories.xml")
    assert len(stories.entries) == 1
    assert original["url"] in stories.entries[0].content[0].value

    assert cli("build-site", "--full", "--config", str(config)).code == 0
    assert {e.id for e in read(feeds / "source-origin.xml").entries} == ids  # stable ids
    assert [e.id for e in read(feeds / "stories.xml").entries] == [stories.entries[0].id]

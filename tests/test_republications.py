"""Republications end to end: copies on other sites join the original's story, in any order."""

from __future__ import annotations

import html as html_lib
import json

from tests.conftest import write_config
from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, rss_feed

DISCLAIMER = (
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent "
    "que le ou les auteurs."
)


def page_html(title: str, paragraphs: list[str], extra: str = "", date: str = "2026-11-20") -> str:
    body = "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>{html_lib.escape(title)}</title>'
        f'<meta property="article:published_time" content="{date}T10:00:00+00:00"></head>'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{html_lib.escape(title)}</h1>"
        f"{body}{extra}</article><footer>© site</footer></body></html>"
    )


def paragraphs(page: CorpusPage) -> list[str]:
    return [p for p in page.body.split("\n") if len(p.split()) > 5]


def long_pages(count: int) -> list[CorpusPage]:
    return [p for p in load_pages(80) if len(paragraphs(p)) >= 8][:count]


def test_a_credited_copy_and_an_excerpt_join_the_original_in_any_order(
    site: TestSite, site2: TestSite, tmp_path, cli
) -> None:
    require_corpus()
    original, other = long_pages(2)
    text = paragraphs(original)
    original_url = site.url("/2026/11/20/the-story.html")
    site.add("/2026/11/20/the-story.html", page_html("The story", text))
    site.add("/2026/11/21/another.html", page_html("Another story", paragraphs(other)))
    credit = (
        f'<p>La source originale de cet article est <a href="{original_url}">Origin</a></p>'
        f"<p>{DISCLAIMER}</p>"
    )
    site2.add(
        "/republished/the-story-copy.html",
        page_html("L'histoire, republiée", text, credit, date="2026-11-22"),
    )
    excerpt = text[: max(2, len(text) // 4)]
    site2.add(
        "/excerpt/the-story-excerpt.html",
        page_html("Excerpt", excerpt, "<p><a href='#'>Read more</a></p>"),
    )
    site.add(
        "/feed.xml",
        rss_feed(
            [
                FeedItem(original_url, "The story"),
                FeedItem(site.url("/2026/11/21/another.html"), "Another"),
            ]
        ),
        content_type="application/rss+xml",
    )
    site2.add(
        "/feed.xml",
        rss_feed(
            [
                FeedItem(site2.url("/republished/the-story-copy.html"), "copy"),
                FeedItem(site2.url("/excerpt/the-story-excerpt.html"), "excerpt"),
            ]
        ),
        content_type="application/rss+xml",
    )
    config = write_config(
        tmp_path,
        [
            {"name": "origin", "feed": site.url("/feed.xml")},
            {"name": "aggregator", "feed": site2.url("/feed.xml")},
        ],
    )
    # The copies arrive first: they must be re-linked when the original arrives.
    assert cli("fetch", "--source", "aggregator", "--config", str(config)).code == 0
    assert cli("fetch", "--source", "origin", "--config", str(config)).code == 0
    records = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    story = records[original_url]["story_id"]
    copy = records[site2.url("/republished/the-story-copy.html")]
    part = records[site2.url("/excerpt/the-story-excerpt.html")]
    assert copy["story_id"] == story == part["story_id"]
    assert copy["original_url"] == original_url and part["original_url"] == original_url
    assert records[original_url]["original_url"] is None
    unrelated = records[site.url("/2026/11/21/another.html")]
    assert unrelated["story_id"] != story and unrelated["original_url"] is None
    assert DISCLAIMER[:30] not in copy["text"]

    listing = cli("stories", "--json", "--config", str(config))
    [line] = [json.loads(x) for x in listing.out.splitlines()]
    assert line["original"] == original_url and len(line["members"]) == 3
    shown = cli("show", copy["id"], "--config", str(config))
    assert "also published at (2 other copies)" in shown.out and "<- the original" in shown.out

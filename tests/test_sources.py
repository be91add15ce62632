"""Sources beyond a feed URL: autodiscovery, OPML, news sitemaps, section pages, health."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.config.settings import load_config
from scraper.store.health import PageRecord, PollRecord, assess
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, atom_feed, json_feed, publish_corpus, rss_feed

HOME = "<html><head><title>Home</title>{head}</head><body><h1>News</h1>{body}</body></html>"


def config_with_comments(tmp_path: Path) -> Path:
    path = write_config(tmp_path, [])
    text = path.read_text()
    path.write_text(
        "# My watch list: keep this comment\n"
        + text
        + "\n# sources below, added by hand or by scraper add\n"
    )
    return path


def feed_items(site: TestSite, n: int = 3) -> list[FeedItem]:
    return [FeedItem(site.url(f"/post/{i}"), f"Post {i}") for i in range(n)]


@pytest.mark.parametrize("declared", ["rss", "atom", "json"])
def test_add_finds_a_declared_feed_and_keeps_the_config_comments(
    site: TestSite, tmp_path, cli, declared: str
) -> None:
    kinds = {
        "rss": ("application/rss+xml", rss_feed),
        "atom": ("application/atom+xml", atom_feed),
        "json": ("application/feed+json", json_feed),
    }
    mime, build = kinds[declared]
    site.add(
        "/",
        HOME.format(
            head=f'<link rel="alternate" type="{mime}" title="Main" href="/feeds/main">', body=""
        ),
    )
    site.add("/feeds/main", build(feed_items(site)), content_type=mime)
    config = config_with_comments(tmp_path)
    result = cli("add", site.url("/"), "--config", str(config))
    assert result.code == 0, result.err
    assert f"feed = {site.url('/feeds/main')}" in result.out
    text = config.read_text()
    assert "# My watch list: keep this comment" in text and "# sources below" in text
    assert load_config(config).sources[0].feed == site.url("/feeds/main")
    again = cli("add", site.url("/"), "--config", str(config))
    assert "already configured" in again.out
    assert len(load_config(config).sources) == 1


def test_add_finds_a_linked_feed_and_a_section_feed(site: TestSite, tmp_path, cli) -> None:
    site.add("/world/", HOME.format(head="", body='<a href="/world/rss.xml">RSS</a>'))
    site.add("/world/rss.xml", rss_feed(feed_items(site)), content_type="application/rss+xml")
    config = write_config(tmp_path, [])
    result = cli("add", site.url("/world/"), "--config", str(config))
    assert result.code == 0 and "/world/rss.xml" in result.out and "linked" in result.out
    site.add("/sport/", HOME.format(head="", body="<p>no links</p>"))
    site.add("/sport/feed", rss_feed(feed_items(site)), content_type="application/rss+xml")
    result = cli("add", site.url("/sport/"), "--config", str(config))
    assert result.code == 0 and "/sport/feed" in result.out and "guessed" in result.out
    names = [s.name for s in load_config(config).sources]
    assert len(set(names)) == 2


def test_add_tries_feed_json_and_names_sources_after_their_feed_titles(
    site: TestSite, tmp_path, cli
) -> None:
    site.add("/", HOME.format(head="", body="<p>no links</p>"))
    json_type = "application/feed+json"
    site.add(
        "/feed.json", json_feed(feed_items(site), title="Moon of Alabama"), content_type=json_type
    )
    site.add("/b/", HOME.format(head="", body='<a href="/b/feed.json">JSON Feed</a>'))
    again = json_feed(feed_items(site), title="Moon of Alabama — RSS Feed")
    site.add("/b/feed.json", again, content_type=json_type)
    config = write_config(tmp_path, [])
    guessed = cli("add", site.url("/"), "--config", str(config))
    assert guessed.code == 0 and "/feed.json" in guessed.out and "guessed" in guessed.out
    assert "added source 'moon-of-alabama'" in guessed.out
    linked = cli("add", site.url("/b/"), "--config", str(config))
    assert linked.code == 0 and "linked" in linked.out
    sources = {s.name: s.feed for s in load_config(config).sources}
    assert sources == {
        "moon-of-alabama": site.url("/feed.json"),
        "moon-of-alabama-2": site.url("/b/feed.json"),
    }


def test_add_falls_back_to_the_news_sitemap_named_in_robots(site: TestSite, tmp_path, cli) -> None:
    site.add("/", HOME.format(head="", body="<p>Welcome</p>"))
    site.robots(f"User-agent: *\nAllow: /\nSitemap: {site.url('/sitemaps/news.xml')}\n")
    site.add(
        "/sitemaps/news.xml",
        news_sitemap([(site.url("/a/1"), "One", datetime.now(UTC))]),
        content_type="application/xml",
    )
    config = write_config(tmp_path, [])
    result = cli("add", site.url("/"), "--config", str(config))
    assert result.code == 0, result.err
    assert "using the news sitemap" in result.out
    assert load_config(config).sources[0].sitemap == site.url("/sitemaps/news.xml")
    assert int(result.out.rsplit("(", 1)[1].split()[0]) <= 12


def test_add_falls_back_to_a_section_page(site: TestSite, tmp_path, cli) -> None:
    links = "".join(
        f'<a href="/2026/11/{i:02d}/a-long-story-title-{i}">Story {i}</a>' for i in range(1, 6)
    )
    site.add("/politics/", HOME.format(head="", body=links))
    config = write_config(tmp_path, [])
    result = cli("add", site.url("/politics/"), "--config", str(config))
    assert result.code == 0 and "section page" in result.out
    assert load_config(config).sources[0].page == site.url("/politics/")


def test_add_reports_a_site_with_nothing_to_follow(site: TestSite, tmp_path, cli) -> None:
    site.add("/", HOME.format(head="", body="<p>Nothing here</p>"))
    config = write_config(tmp_path, [])
    result = cli("add", site.url("/"), "--config", str(config))
    assert result.code == 1 and "no feed, news sitemap or article list found" in result.err
    assert len(site.requests) <= 12


OPML = """<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0"><head><title>Abonnements de René</title></head><body>
<outline text="Actualités" title="Actualités">
  <outline text="Géopolitique">
    <outline type="rss" text="Moon of Alabama" xmlUrl="https://www.moonofalabama.org/atom.xml"/>
    <outline type="rss" text="Mondialisation" xmlUrl="https://www.mondialisation.ca/feed"/>
  </outline>
  <outline type="rss" text="BBC" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
</outline>
<outline type="rss" text="Sans dossier" xmlUrl="https://example.org/feed.xml"/>
<outline text="a link, not a feed" htmlUrl="https://example.org/"/>
</body></opml>
"""


def test_opml_round_trip_keeps_the_sources_and_their_folders(tmp_path, cli) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_bytes(OPML.encode("iso-8859-1"))
    first = write_config(tmp_path, [])
    assert cli("import-opml", str(opml), "--config", str(first)).code == 0
    sources = load_config(first).sources
    assert len(sources) == 4
    tags = {s.feed: s.tags for s in sources}
    assert "Géopolitique" in tags["https://www.moonofalabama.org/atom.xml"]
    assert "Actualités" in tags["https://feeds.bbci.co.uk/news/world/rss.xml"]
    exported = tmp_path / "out.opml"
    assert cli("export-opml", "-o", str(exported), "--config", str(first)).code == 0
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    second = write_config(second_dir, [])
    cli("import-opml", str(exported), "--config", str(second))
    assert {s.feed for s in load_config(second).sources} == {s.feed for s in sources}
    again = cli("import-opml", str(opml), "--config", str(first))
    assert "0 sources added, 4 already configured" in again.out


TITLED = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
<outline type="rss" text="Le Monde diplomatique" xmlUrl="https://www.monde-diplomatique.fr/rss/"/>
<outline type="rss" text="Andrew's Notes (RSS)" xmlUrl="https://notes.example.org/feed"/>
<outline type="rss" text="BBC News" xmlUrl="https://feeds.bbci.co.uk/news/rss.xml"/>
<outline type="rss" text="BBC News" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
<outline type="rss" text="الجزيرة" xmlUrl="https://www.aljazeera.net/aljazeerarss"/>
</body></opml>
"""


def test_import_opml_names_sources_after_their_outline_titles(tmp_path, cli) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(TITLED, encoding="utf-8")
    config = write_config(tmp_path, [])
    assert cli("import-opml", str(opml), "--config", str(config)).code == 0
    names = {s.feed: s.name for s in load_config(config).sources}
    assert names == {
        "https://www.monde-diplomatique.fr/rss/": "le-monde-diplomatique",
        "https://notes.example.org/feed": "andrews-notes",
        "https://feeds.bbci.co.uk/news/rss.xml": "bbc-news",
        "https://feeds.bbci.co.uk/news/world/rss.xml": "bbc-news-2",
        "https://www.aljazeera.net/aljazeerarss": "aljazeera-aljazeerarss",  # no Latin word: the URL
    }


def news_sitemap(entries: list[tuple[str, str, datetime]]) -> str:
    urls = "".join(
        f"<url><loc>{u}</loc><news:news><news:publication><news:name>T</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>{d.isoformat()}</news:publication_date>"
        f"<news:title>{t}</news:title></news:news></url>"
        for u, t, d in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>"
    )


def test_a_news_sitemap_index_with_gzip_children_fetches_only_recent_entries(
    site: TestSite, tmp_path, cli
) -> None:
    require_corpus()
    pages = load_pages(4)
    now = datetime.now(UTC)
    fresh, stale = [], []
    for index, page in enumerate(pages):
        url = site.add(f"/news/{index}.html", page.html)
        (fresh if index < 2 else stale).append(
            (url, f"Story {index}", now - timedelta(hours=1 if index < 2 else 24 * 30))
        )
    site.add(
        "/sitemap-1.xml.gz",
        gzip.compress(news_sitemap(fresh).encode()),
        content_type="application/gzip",
    )
    site.add(
        "/sitemap-2.xml.gz",
        gzip.compress(news_sitemap(stale).encode()),
        content_type="application/gzip",
    )
    index_xml = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
        f'sitemap/0.9"><sitemap><loc>{site.url("/sitemap-1.xml.gz")}</loc></sitemap>'
        f"<sitemap><loc>{site.url('/sitemap-2.xml.gz')}</loc>"
        f"<lastmod>{(now - timedelta(days=30)).date()}</lastmod></sitemap>"
        "</sitemapindex>"
    )
    site.add("/sitemap-index.xml", index_xml, content_type="application/xml")
    config = write_config(tmp_path, [{"name": "news", "sitemap": site.url("/sitemap-index.xml")}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 0, result.err
    urls = {r["url"] for r in cli("export", "--config", str(config)).jsonl()}
    assert urls == {u for u, _, _ in fresh}
    assert not site.requests_to("/sitemap-2.xml.gz")  # its lastmod says nothing is recent


def test_a_section_page_harvests_new_links_between_polls(site: TestSite, tmp_path, cli) -> None:
    require_corpus()
    pages = load_pages(4)
    paths = [f"/2026/11/0{i + 1}/story-number-{i}-of-the-day" for i in range(4)]
    for path, page in zip(paths, pages, strict=True):
        site.add(path, page.html)

    def section(count: int) -> str:
        links = "".join(f'<li><a href="{p}">Story</a></li>' for p in paths[:count])
        return HOME.format(
            head="", body=f'<nav><a href="/tag/x">tag</a></nav><ul class="list">{links}</ul>'
        )

    site.add("/world/", section(2))
    config = write_config(
        tmp_path, [{"name": "world", "page": site.url("/world/"), "links": "ul.list"}]
    )
    assert "world: 2 new" in cli("fetch", "--config", str(config)).out
    site.add("/world/", section(4))
    site.clear_log()
    assert "world: 2 new, 2 already archived" in cli("fetch", "--config", str(config)).out
    assert not site.requests_to(paths[0])


def test_an_article_found_by_feed_and_by_sitemap_is_archived_once(
    site: TestSite, tmp_path, cli
) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(2), "/feed.xml", "rss")
    now = datetime.now(UTC)
    site.add(
        "/news.xml",
        news_sitemap([(u + "?utm_source=sitemap", "t", now) for u in urls]),
        content_type="application/xml",
    )
    config = write_config(
        tmp_path,
        [
            {"name": "by-feed", "feed": site.url("/feed.xml")},
            {"name": "by-sitemap", "sitemap": site.url("/news.xml")},
        ],
    )
    cli("fetch", "--config", str(config))
    cli("fetch", "--config", str(config))
    records = cli("export", "--config", str(config)).jsonl()
    assert len(records) == 2


def test_a_sharp_drop_in_extraction_health_is_flagged() -> None:
    good = [PageRecord(4000, True, True)] * 50
    broken = [PageRecord(300, False, False)] * 50
    polls = [PollRecord(True, 200, 20, 2)] * 9 + [PollRecord(False, 429, 0, 0)]
    healthy = assess(polls, good + good)
    assert healthy.flag is None and healthy.extraction and healthy.extraction.date_share == 1.0
    assert healthy.failed_share == pytest.approx(0.1) and healthy.last_status == 200
    flagged = assess(list(reversed(polls)), broken + good)
    assert flagged.flag and "median body fell from 4000 to 300" in flagged.flag
    assert flagged.last_status == 429 and flagged.failed_share == pytest.approx(0.1)
    dateless = assess(polls, [PageRecord(4000, False, True)] * 50 + good)
    assert dateless.flag and "date" in dateless.flag

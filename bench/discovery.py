"""Feed discovery on a local network of 50 sites declaring (or hiding) their feeds every way.

    .venv/bin/python bench/discovery.py [--sites 50] [--json]

Each site (127.0.11.N, its own host) is one of ten kinds: a feed declared with <link
rel=alternate> (RSS, Atom, JSON Feed), a feed only linked from the page, a feed only at a usual
path, a section feed under the page's path, a news sitemap named in robots.txt, a news sitemap
at a usual path, a section page with article links and nothing else, or nothing at all.
`scraper add`'s discovery runs on each; the figures are the share of sites where it found what
the site offers (a feed for every site that declares one) and the requests it spent per site.
Goal (from the issue): a feed found for every site that declares one, at most 12 requests a site.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.commands.discover import Discoverer  # noqa: E402
from scraper.config.settings import HttpSettings  # noqa: E402
from scraper.fetch.fetcher import Fetcher  # noqa: E402
from scraper.store.sqlite import SQLiteStore  # noqa: E402
from tests.testsite import FeedItem, TestSite, atom_feed, json_feed, rss_feed  # noqa: E402

KINDS = (
    "declared-rss",
    "declared-atom",
    "declared-json",
    "linked",
    "usual-path",
    "section-feed",
    "robots-sitemap",
    "sitemap-path",
    "section-page",
    "nothing",
)
EXPECT = {
    "declared-rss": "feed",
    "declared-atom": "feed",
    "declared-json": "feed",
    "linked": "feed",
    "usual-path": "feed",
    "section-feed": "feed",
    "robots-sitemap": "sitemap",
    "sitemap-path": "sitemap",
    "section-page": "page",
    "nothing": None,
}
PAGE = "<html><head><title>Site</title>{head}</head><body><h1>News</h1>{body}</body></html>"


def news_sitemap(site: TestSite) -> str:
    now = datetime.now(UTC).isoformat()
    urls = "".join(
        f"<url><loc>{site.url(f'/2026/11/0{i}/story-{i}')}</loc><news:news>"
        f"<news:publication_date>{now}</news:publication_date><news:title>S{i}"
        "</news:title></news:news></url>"
        for i in range(1, 4)
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    )


def build(site: TestSite, kind: str) -> str:
    """Set the site up as `kind`; returns the URL a user would give `scraper add`."""
    items = [FeedItem(site.url(f"/post/{i}"), f"Post {i}") for i in range(5)]
    head = body = ""
    declared = {
        "declared-rss": ("application/rss+xml", rss_feed),
        "declared-atom": ("application/atom+xml", atom_feed),
        "declared-json": ("application/feed+json", json_feed),
    }
    if kind in declared:
        mime, make = declared[kind]
        head = f'<link rel="alternate" type="{mime}" href="/feeds/main">'
        site.add("/feeds/main", make(items), content_type=mime)
    elif kind == "linked":
        body = '<a href="/syndication/news.rss">Subscribe</a>'
        site.add("/syndication/news.rss", rss_feed(items), content_type="application/rss+xml")
    elif kind == "usual-path":
        site.add("/feed", rss_feed(items), content_type="application/rss+xml")
    elif kind == "section-feed":
        site.add("/world/", PAGE.format(head="", body="<p>World news</p>"))
        site.add("/world/feed", rss_feed(items), content_type="application/rss+xml")
        return site.url("/world/")
    elif kind == "robots-sitemap":
        site.robots(f"User-agent: *\nAllow: /\nSitemap: {site.url('/maps/news.xml')}\n")
        site.add("/maps/news.xml", news_sitemap(site), content_type="application/xml")
    elif kind == "sitemap-path":
        site.add("/news-sitemap.xml", news_sitemap(site), content_type="application/xml")
    elif kind == "section-page":
        body = "".join(
            f'<a href="/2026/11/0{i}/a-story-about-{i}-things">S{i}</a>' for i in range(1, 6)
        )
    site.add("/", PAGE.format(head=head, body=body))
    return site.url("/")


async def discover_all(targets: list[tuple[str, str]], root: Path) -> list[dict[str, object]]:
    store = SQLiteStore(root)
    settings = HttpSettings(allow_private_addresses=True, per_host_delay=0.0, retries=0)
    results = []
    try:
        async with Fetcher(settings, store) as fetcher:
            for kind, url in targets:  # one at a time: requests are counted per host
                found = await Discoverer(fetcher).discover(url)
                best = found.best()
                results.append(
                    {
                        "kind": kind,
                        "url": url,
                        "found": best.kind if best else None,
                        "requests": found.requests,
                    }
                )
    finally:
        store.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sites = [TestSite(f"127.0.11.{n + 1}") for n in range(args.sites)]
    try:
        targets = [
            (KINDS[n % len(KINDS)], build(site, KINDS[n % len(KINDS)]))
            for n, site in enumerate(sites)
        ]
        with tempfile.TemporaryDirectory() as scratch:
            results = asyncio.run(discover_all(targets, Path(scratch)))
    finally:
        for site in sites:
            site.close()
    right = [r for r in results if r["found"] == EXPECT[str(r["kind"])]]
    with_feed = [r for r in results if EXPECT[str(r["kind"])] == "feed"]
    feeds_found = [r for r in with_feed if r["found"] == "feed"]
    requests = [int(str(r["requests"])) for r in results]
    summary = {
        "sites": len(results),
        "found_what_the_site_offers": f"{len(right)}/{len(results)}",
        "feed_found_where_declared": f"{len(feeds_found)}/{len(with_feed)}",
        "requests_per_site_mean": round(sum(requests) / len(requests), 1),
        "requests_per_site_max": max(requests),
    }
    if args.json:
        print(json.dumps({"summary": summary, "sites": results}, indent=2))
        return 0
    print("| kind | sites | found right | requests (max) |\n|---|---|---|---|")
    for kind in KINDS:
        rows = [r for r in results if r["kind"] == kind]
        ok = sum(r["found"] == EXPECT[kind] for r in rows)
        print(
            f"| {kind} | {len(rows)} | {ok}/{len(rows)} | "
            f"{max(int(str(r['requests'])) for r in rows)} |"
        )
    print("\n" + "\n".join(f"{k}: {v}" for k, v in summary.items()))
    return 0 if len(feeds_found) == len(with_feed) and max(requests) <= 12 else 1


if __name__ == "__main__":
    sys.exit(main())

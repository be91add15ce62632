"""`scraper status` shows each source's health in its table: a source is "ok" only when its
feed and its article pages are read."""

from __future__ import annotations

import json
import re

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, publish_corpus, rss_feed


def row(table: str, name: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(name + " "))


def test_a_source_whose_pages_fail_is_not_ok_in_the_status_table(
    site: TestSite, tmp_path, cli
) -> None:  # type: ignore[no-untyped-def]
    require_corpus()
    publish_corpus(site, load_pages(2), "/good.xml", "rss", prefix="/good/")
    gone = [FeedItem(url=site.url(f"/gone/{i}.html"), title=f"Gone {i}") for i in range(3)]
    site.add("/broken.xml", rss_feed(gone), content_type="application/rss+xml")
    site.add("/down.xml", "no feed here", status=500)
    config = write_config(
        tmp_path,
        [
            {"name": "good", "feed": site.url("/good.xml")},
            {"name": "broken", "feed": site.url("/broken.xml")},
            {"name": "down", "feed": site.url("/down.xml")},
        ],
        http={"retries": 0},
    )
    assert cli("fetch", "--config", str(config)).code == 1

    table = cli("status", "--config", str(config)).out
    header = table.splitlines()[4]
    assert header.split()[-6:] == ["polls", "failed", "pages", "failed", "HTTP", "health"]
    assert row(table, "good").split()[-4:] == ["0%", "0%", "200", "ok"]
    broken = row(table, "broken")
    assert re.search(r" 0% +100% +200  PAGES FAILING: 100% of 3 pages failed; last: ", broken)
    assert site.url("/gone/") in broken and "404" in broken
    assert re.search(r" 100% +- +500  FEED FAILING: ", row(table, "down"))

    sources = {
        s["name"]: s
        for s in json.loads(cli("status", "--json", "--config", str(config)).out)["sources"]
    }
    assert sources["good"]["problem"] is None
    assert sources["broken"]["health"]["failed_pages_share"] == 1.0
    assert sources["broken"]["problem"].startswith("PAGES FAILING")

"""Datasette over the index: its JSON API answers a search and a facet."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from datasette.app import Datasette

from scraper.outputs.serve import DATABASE, datasette_metadata
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus

REPO = Path(__file__).resolve().parents[1]


def archive(site: TestSite, tmp_path, cli):  # type: ignore[no-untyped-def]
    require_corpus()
    publish_corpus(site, load_pages(4)[:2], "/a.xml", "rss", prefix="/a/")
    publish_corpus(site, load_pages(4)[2:], "/b.xml", "rss", prefix="/b/")
    config = write_config(
        tmp_path,
        [
            {"name": "alpha", "feed": site.url("/a.xml")},
            {"name": "beta", "feed": site.url("/b.xml")},
        ],
    )
    cli("fetch", "--config", str(config))
    return config, cli("export", "--config", str(config)).jsonl()


def test_the_json_api_answers_a_search_and_a_facet(site: TestSite, tmp_path, cli) -> None:
    _, records = archive(site, tmp_path, cli)
    index = tmp_path / "archive" / "index.sqlite"
    words = re.findall(r"\w+", records[0]["text"])
    phrase = " ".join(words[len(words) // 2 : len(words) // 2 + 3])

    async def scenario() -> tuple[dict, dict, dict]:
        ds = Datasette([str(index)], metadata=datasette_metadata())
        search = await ds.client.get(
            f"/{DATABASE}/articles.json", params={"_search": f'"{phrase}"', "_shape": "objects"}
        )
        facets = await ds.client.get(f"/{DATABASE}/articles.json?_facet=source&_size=0")
        stories = await ds.client.get(f"/{DATABASE}/stories.json?_shape=objects")
        return search.json(), facets.json(), stories.json()

    search, facets, stories = asyncio.run(scenario())
    assert [row["id"] for row in search["rows"]] == [records[0]["id"]]
    counts = {f["value"]: f["count"] for f in facets["facet_results"]["source"]["results"]}
    assert counts == {"alpha": 2, "beta": 2}
    assert stories["rows"] == []


def test_scraper_serve_starts_datasette_read_only(site: TestSite, tmp_path, cli) -> None:
    config, records = archive(site, tmp_path, cli)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "scraper", "serve", "--port", str(port), "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/{DATABASE}/articles.json?_shape=array")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.3)
        assert len(answer.json()) == len(records)
        front = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=True)
        assert front.url.path == f"/{DATABASE}/articles" and front.status_code == 200
        faceted = httpx.get(f"http://127.0.0.1:{port}/{DATABASE}/articles.json").json()
        assert set(faceted["facet_results"]) == {"source", "language", "tags", "first_seen"}
        database = httpx.get(f"http://127.0.0.1:{port}/{DATABASE}.json").json()
        shown = {t["name"] for t in database["tables"] if not t["hidden"]}
        # (page_failures: the pages not archived yet, which a user wants to see)
        assert shown == {"articles", "versions", "fetch_log", "sources", "polls", "page_failures"}
        assert [v["name"] for v in database["views"]] == ["stories"]
        write = httpx.post(
            f"http://127.0.0.1:{port}/{DATABASE}/-/query", data={"sql": "DELETE FROM articles"}
        )
        assert write.status_code >= 400
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert len(cli("export", "--config", str(config)).jsonl()) == len(records)
    assert json.loads(json.dumps(datasette_metadata()))["databases"][DATABASE]

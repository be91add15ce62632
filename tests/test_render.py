"""Pages built by JavaScript, rendered in the system's Chromium: archived as a reader sees them."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import zipfile
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scraper.config.settings import load_config
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.render import PageRenderer, looks_like_js_shell
from scraper.fetch.render.browser import BrowserPool
from scraper.fetch.render.memory import descendants
from scraper.outputs.site import paths
from scraper.store.archive import Archive
from tests.capturesite import (
    GatedSite,
    article_html,
    forwarding_proxy,
    gated_site,
    js_app_html,
    paragraphs,
    publish_js_article,
    require_render,
    rss,
)
from tests.corpus import load_pages, require_corpus
from tests.testsite import publish_corpus


def config(folder: Path, sources: str, extra: str = "") -> Path:
    path = folder / "scraper.toml"
    path.write_text(
        '[archive]\npath = "archive"\n\n[http]\nallow_private_addresses = true\n'
        f'per_host_delay = "0s"\nbackoff = "0.05s"\n{extra}\n{sources}',
        encoding="utf-8",
    )
    return path


def source(name: str, feed: str, **keys: str) -> str:
    lines = [f'name = "{name}"', f'feed = "{feed}"', *(f"{k} = {v}" for k, v in keys.items())]
    return "\n[[sources]]\n" + "\n".join(lines) + "\n"


def records(archive: Path) -> list[tuple[str, str, str | None, bytes]]:
    """(type, target URI, content type, payload) of every WARC record."""
    out = []
    for file in sorted((archive / "warc").glob("*.warc.gz")):
        with file.open("rb") as stream:
            for record in ArchiveIterator(stream):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                kind = record.rec_headers.get_header("Content-Type")
                out.append((record.rec_type, uri, kind, record.content_stream().read()))
    return out


def feed_of(site: GatedSite, urls: list[str]) -> str:
    return site.add("/feed.xml", rss([(u, u) for u in urls]), content_type="application/rss+xml")


def test_shell_detector_flags_javascript_apps_and_passes_real_articles() -> None:
    require_corpus()
    assert looks_like_js_shell(js_app_html("/app.js"))
    assert looks_like_js_shell('<html><body><div id="__next"></div><script src="/a.js"></script>')
    assert looks_like_js_shell("<html><body><p>Please enable JavaScript to read this.</p>")
    assert not looks_like_js_shell(article_html("A story", paragraphs(1)))
    pages = load_pages(60)
    flagged = [p.id for p in pages if looks_like_js_shell(p.html)]
    assert flagged == []


def test_always_renders_a_javascript_article_and_keeps_the_plain_exchange(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        url = publish_js_article(site, 1)
        path = config(tmp_path, source("app", feed_of(site, [url]), render='"always"'))
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        assert "app: 1 new" in result.out
        [article] = cli("export", "--config", str(path)).jsonl()
    assert article["title"] == "Rendered story 1"
    assert paragraphs(1)[3] in article["text"]
    found = records(tmp_path / "archive")
    responses = [payload for kind, uri, _, payload in found if kind == "response" and uri == url]
    assert responses == [js_app_html("/app/1.js").encode()]  # the plain exchange, as served
    [rendered] = [p for kind, uri, _, p in found if kind == "conversion" and uri == url]
    assert paragraphs(1)[0].encode() in rendered
    # what the browser loaded went through the fetcher, so into WARC too
    assert {site.url("/app/1.js"), site.url("/data/1.json")} <= {u for k, u, _, _ in found}


def test_auto_renders_only_the_page_that_is_a_javascript_shell(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        plain = site.add("/plain/1", article_html("Plain story", paragraphs(7)))
        shell = publish_js_article(site, 2)
        path = config(tmp_path, source("mixed", feed_of(site, [plain, shell]), render='"auto"'))
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        texts = {a["url"]: a["text"] for a in cli("export", "--config", str(path)).jsonl()}
    assert paragraphs(7)[2] in texts[plain] and paragraphs(2)[2] in texts[shell]
    converted = [uri for kind, uri, _, _ in records(tmp_path / "archive") if kind == "conversion"]
    assert converted == [shell]


def test_screenshot_is_a_png_in_warc_in_the_folder_and_on_the_site_page(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        url = publish_js_article(site, 3)
        feed = feed_of(site, [url])
        path = config(tmp_path, source("shots", feed, render='"always"', screenshot="true"))
        assert cli("fetch", "--config", str(path)).code == 0
        [article] = cli("export", "--config", str(path)).jsonl()
        wacz = tmp_path / "shots.wacz"
        assert cli("export", "--format", "wacz", "-o", str(wacz), "--config", str(path)).code == 0
    archive = tmp_path / "archive"
    [png] = [p for k, u, t, p in records(archive) if k == "resource" and t == "image/png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    [file] = list(archive.rglob("screenshot.png"))
    assert file.read_bytes() == png
    page = archive / paths.article(article["id"])
    html = page.read_text(encoding="utf-8")
    assert "<img src=" in html
    source_attr = html.split('<img src="', 1)[1].split('"', 1)[0]
    assert (page.parent / source_attr).resolve() == file.resolve()
    with zipfile.ZipFile(wacz) as package:  # the export carries what the browser made
        data = gzip.decompress(package.read("archive/data.warc.gz"))
    assert b"WARC-Type: conversion" in data and png in data


async def test_browser_sub_requests_to_a_refused_address_never_leave(tmp_path) -> None:
    require_render()
    with gated_site() as site, gated_site("127.0.0.2") as private:
        url = publish_js_article(site, 4, data_host=private.url(""))
        publish_js_article(private, 4)
        loaded = load_config(config(tmp_path, source("guarded", site.url("/f"), render='"always"')))
        archive = Archive(loaded)
        only_first = lambda address: address == "127.0.0.1"  # noqa: E731 - the guard's policy
        try:
            async with (
                Fetcher(loaded.http, archive.store, archive.warc, address_policy=only_first) as f,
                PageRenderer(f, loaded.browser) as renderer,
            ):
                page = await f.fetch(url, source=loaded.sources[0])
                document = await renderer.document(loaded.sources[0], page)
        finally:
            archive.close()
        assert renderer.rendered == 1
        assert (
            b'id="root"' in document.content and paragraphs(4)[0].encode() not in document.content
        )
        assert private.requests == []  # the browser never reached the refused host
        assert site.requests_to("/app/4.js")


def test_robots_txt_applies_to_what_the_browser_loads(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        site.add("/robots.txt", "User-agent: *\nDisallow: /data/\n", content_type="text/plain")
        url = publish_js_article(site, 14)
        path = config(tmp_path, source("polite", feed_of(site, [url]), render='"always"'))
        result = cli("fetch", "--config", str(path))
        assert site.requests_to("/app/14.js") and not site.requests_to("/data/14.json")
        # Without its data the rendered page is still a shell: no article, a page tried again.
        assert result.code == 1 and "blocked: a JavaScript shell" in result.err
        assert cli("export", "--config", str(path)).jsonl() == []
    assert "conversion" in {k for k, _, _, _ in records(tmp_path / "archive")}


def test_missing_browser_is_one_line_naming_the_source_and_the_page_is_archived_plain(
    tmp_path, cli
) -> None:
    with gated_site() as site:
        apps = [publish_js_article(site, n) for n in (5, 6)]
        plain = site.add("/plain/2", article_html("Other source", paragraphs(8)))
        sources = source("app", site.add("/a.xml", rss([(u, u) for u in apps])), render='"auto"')
        sources += source("other", feed_of(site, [plain]))
        path = config(tmp_path, sources, extra='[browser]\nexecutable = "/nonexistent/chromium"\n')
        result = cli("fetch", "--config", str(path))
        # The shells are kept as plain HTTP gave them (in WARC), and, being no article (issue
        # #19), are pages that failed, tried again later; the other source carries on.
        assert result.code == 1, result.err
        assert "app: 0 new" in result.out and "2 failed" in result.out
        assert "other: 1 new" in result.out
        [line] = [line for line in result.err.splitlines() if "not rendered" in line]
        status = json.loads(cli("status", "--json", "--config", str(path)).out)
        failing = {f["url"] for s in status["sources"] for f in s["pages_failing"]}
        assert failing == set(apps)
    assert " app " in line and "no browser at /nonexistent/chromium" in line
    assert "apt-get install chromium" in line


def test_a_revisit_of_a_rendered_page_compares_the_rendered_text(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        url = publish_js_article(site, 9)
        path = config(tmp_path, source("edits", feed_of(site, [url]), render='"always"'))
        assert cli("fetch", "--config", str(path)).code == 0
        assert "1 unchanged" not in cli("fetch", "--config", str(path), "--revisit").out
        edited = paragraphs(9)
        edited[2] = "A correction: the council met on Tuesday, not on Monday as first reported."
        data = json.dumps({"title": "Rendered story 9", "paragraphs": edited})
        site.add("/data/9.json", data, content_type="application/json")
        result = cli("fetch", "--config", str(path), "--revisit")
        assert "1 updated" in result.out, result.out + result.err
        versions = cli("export", "--versions", "--config", str(path)).jsonl()
    assert [v["version"] for v in versions] == [1, 2]
    assert "A correction" in versions[1]["text"] and "A correction" not in versions[0]["text"]


async def test_a_crashed_browser_is_launched_again_for_the_next_page(tmp_path) -> None:
    require_render()
    with gated_site() as site:
        urls = [publish_js_article(site, n) for n in (10, 11)]
        loaded = load_config(config(tmp_path, source("crash", site.url("/f"), render='"always"')))
        archive = Archive(loaded)
        try:
            async with (
                Fetcher(loaded.http, archive.store, archive.warc) as fetcher,
                PageRenderer(fetcher, loaded.browser) as renderer,
            ):
                src = loaded.sources[0]
                first = await renderer.document(src, await fetcher.fetch(urls[0], source=src))
                for pid in descendants():
                    with contextlib.suppress(OSError):  # (a helper that exited meanwhile)
                        if Path(f"/proc/{pid}/comm").read_text().startswith("chrom"):
                            os.kill(pid, signal.SIGKILL)
                second = await renderer.document(src, await fetcher.fetch(urls[1], source=src))
                launches = renderer.pool.launches
        finally:
            archive.close()
    assert paragraphs(10)[0].encode() in first.content
    assert paragraphs(11)[0].encode() in second.content
    assert launches == 2


async def test_a_browser_past_its_memory_bound_is_replaced_between_pages(tmp_path) -> None:
    require_render()
    with gated_site() as site:
        urls = [publish_js_article(site, n) for n in (12, 13)]
        loaded = load_config(config(tmp_path, source("mem", site.url("/f"), render='"always"')))
        archive = Archive(loaded)
        try:
            async with (
                Fetcher(loaded.http, archive.store, archive.warc) as fetcher,
                PageRenderer(fetcher, loaded.browser, pool=BrowserPool(loaded.browser, 1)) as r,
            ):
                src = loaded.sources[0]
                for url in urls:
                    page = await fetcher.fetch(url, source=src)
                    assert b"Rendered story" in (await r.document(src, page)).content
                launches, peak = r.pool.launches, r.pool.peak_memory
        finally:
            archive.close()
    assert launches == 2 and peak > 10_000_000


def test_pages_waiting_for_a_free_browser_page_do_not_use_up_their_time(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        urls = [publish_js_article(site, n) for n in range(20, 28)]
        extra = '[browser]\npages = 1\ntimeout = "10s"\n'  # 8 pages queue behind one
        path = config(tmp_path, source("queue", feed_of(site, urls), render='"always"'), extra)
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        texts = [a["text"] for a in cli("export", "--config", str(path)).jsonl()]
    assert "not rendered" not in result.err
    assert sum(1 for t in texts if "paragraph 5" in t) == 8


def test_a_page_that_never_finishes_loading_is_cut_at_the_time_limit(tmp_path, cli) -> None:
    require_render()
    with gated_site() as site:
        site.add("/spin.js", "while (true) {}", content_type="text/javascript")
        url = site.add("/story/spin", js_app_html("/spin.js"))
        extra = '[browser]\ntimeout = "3s"\n'
        path = config(tmp_path, source("spin", feed_of(site, [url]), render='"always"'), extra)
        result = cli("fetch", "--config", str(path), "-v")
        assert result.code == 1 and "spin: 0 new" in result.out  # a shell: tried again later
        assert "not rendered: rendering took longer than 3s" in result.err


def test_auto_on_ordinary_pages_never_starts_a_browser(site, tmp_path, cli) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(24))
    extra = '[browser]\nexecutable = "/nonexistent/chromium"\n'  # a start would fail, loudly
    path = config(tmp_path, source("news", site.url("/feed.xml"), render='"auto"'), extra)
    result = cli("fetch", "--config", str(path), "-v")
    assert result.code == 0, result.err
    assert f"news: {len(urls)} new" in result.out
    assert "not rendered" not in result.err
    kinds = {k for k, _, _, _ in records(tmp_path / "archive")}
    assert "conversion" not in kinds


def test_a_subscribers_javascript_article_renders_through_its_proxy_with_its_cookies(
    tmp_path, cli
) -> None:
    require_render()
    (tmp_path / "cookies.txt").write_text("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tpaid-up\n")
    with gated_site() as site, forwarding_proxy() as proxy:
        url = publish_js_article(site, 30)
        site.add(  # the article's data answers subscribers only
            "/data/30.json",
            json.dumps({"title": "Rendered story 30", "paragraphs": paragraphs(30)}),
            content_type="application/json",
            gate=("Cookie", "session=paid-up"),
        )
        keys = {"render": '"always"', "cookies": '"cookies.txt"', "proxy": f'"{proxy.url}"'}
        path = config(tmp_path, source("paid", feed_of(site, [url]), **keys))
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        [article] = cli("export", "--config", str(path)).jsonl()
        assert site.url("/data/30.json") in proxy.seen and site.url("/app/30.js") in proxy.seen
    assert paragraphs(30)[4] in article["text"]

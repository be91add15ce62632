"""The site in a real browser: a real archive fetched from test servers, browsed by clicking.

Headless Chromium opens `index.html` from `file://`, follows links home -> source -> article ->
its versions -> the story -> the other copy, then opens every page of the site; a hostile page's
payloads (which would set `window.pwned` and the title) must never run, and every page must carry
the Content-Security-Policy. Screenshots land in tests/output/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

try:
    from selenium.webdriver.common.by import By
except ImportError:  # require_browser() skips (or fails on CI) with the reason
    By = None  # type: ignore[assignment,misc]

from scraper.cli import main
from scraper.config.settings import load_config
from scraper.models import Article
from scraper.outputs.site import build_site, paths
from scraper.store.sqlite import INDEX_NAME, SQLiteStore
from scraper.urls import article_id
from tests.browser import chromium, require_browser, screenshot
from tests.conftest import write_config
from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.test_site_build import site_pages, site_problems
from tests.testsite import FeedItem, TestSite, page_title, publish_corpus, rss_feed

RUN = "window.pwned=1;document.title='PWNED'"
HOSTILE_TITLE = f"Breaking: <script>{RUN}</script> news"
HOSTILE_IMG = f'<img src=x onerror="{RUN}">'
PROSE = (
    "The council met on Tuesday evening to discuss the budget for the coming year, and members "
    "spoke at length about the cost of repairs to the old library building on the main square. "
)


def hostile_page() -> str:
    """A page whose title, byline and text carry script, and which ships live script too."""
    paragraphs = "".join(
        f"<p>{PROSE * 2}Paragraph {n} quotes the payload {html.escape(HOSTILE_IMG)} as text.</p>"
        for n in range(4)
    )
    return (
        f"<!doctype html><html lang='en'><head><title>{html.escape(HOSTILE_TITLE)}</title>"
        f"<meta name='author' content='{html.escape(HOSTILE_IMG)}'><script>{RUN}</script></head>"
        f'<body onload="{RUN}"><article><h1>{html.escape(HOSTILE_TITLE)}</h1>{paragraphs}'
        f'<p>{PROSE}<a href="javascript:{RUN}">Read more</a> {HOSTILE_IMG}</p>'
        "</article></body></html>"
    )


def editable_sentence(page: CorpusPage) -> str | None:
    """A long sentence of the true body that appears verbatim in the page's HTML."""
    for paragraph in page.body.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            if len(sentence.split()) >= 12 and sentence in page.html:
                return sentence
    return None


def fetch(*args: str) -> str:
    """`scraper fetch ARGS` in-process (module fixtures cannot use the function-scoped `cli`)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["fetch", *args])
    assert code == 0, out.getvalue() + err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An archive of two sources, one article with two versions, a hostile page and a story."""
    require_browser()
    require_corpus()
    tmp_path = tmp_path_factory.mktemp("site")
    pages = [p for p in load_pages(60) if editable_sentence(p)][:5]
    with TestSite() as site, TestSite("127.0.0.2") as site2:
        alpha = publish_corpus(site, pages[:3], "/feed.xml")
        beta = publish_corpus(site2, pages[3:5], "/feed.xml")
        site2.add("/breaking.html", hostile_page())
        evil = FeedItem(
            site2.url("/breaking.html"), HOSTILE_TITLE, guid="evil", authors=(HOSTILE_IMG,)
        )
        items = [
            evil,
            *(
                FeedItem(url, page_title(p), guid=url)
                for url, p in zip(beta, pages[3:5], strict=True)
            ),
        ]
        site2.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
        config = write_config(
            tmp_path,
            [
                {"name": "alpha", "feed": site.url("/feed.xml")},
                {"name": "beta", "feed": site2.url("/feed.xml")},
            ],
        )
        fetch("--config", str(config))
        sentence = editable_sentence(pages[0])
        assert sentence is not None
        edited = sentence.replace(sentence.split()[4], "CORRECTED", 1) + " An editor's note."
        site.add(f"/articles/{pages[0].id[:12]}.html", pages[0].html.replace(sentence, edited, 1))
        assert "1 updated" in fetch("--revisit", "--config", str(config))
    root = tmp_path / "archive"
    versioned, copy = article_id(alpha[0]), article_id(beta[0])
    db = sqlite3.connect(root / INDEX_NAME)  # until the dedupe engine writes stories itself
    with db:
        db.execute(
            "UPDATE articles SET story_id = ?, original_url = ? WHERE id = ?",
            (versioned, alpha[0], copy),
        )
    db.close()
    store = SQLiteStore(root)
    try:
        report = build_site(store, root, list(load_config(config).sources))
    finally:
        store.close()
    assert report.articles == 6
    yield {"root": root, "versioned": versioned, "copy": copy, "evil": article_id(evil.url)}


@pytest.fixture(scope="module")
def driver(archive: dict[str, Any]) -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def assert_safe(driver: Any) -> None:
    """No payload ran, no script element exists but the search page's own files, and the CSP
    meta is there."""
    state = driver.execute_script(
        "return [typeof window.pwned, document.title, "
        "Array.from(document.scripts, s => s.src.split('/').slice(-3).join('/')), "
        "document.images.length, document.querySelectorAll("
        "'meta[http-equiv=\"Content-Security-Policy\"]').length]"
    )
    assert state[0] == "undefined" and state[1] != "PWNED", (driver.current_url, state)
    assert state[3:] == [0, 1], (driver.current_url, state)
    search_page = urlsplit(driver.current_url).path.endswith("/" + paths.SEARCH)
    assert all(s.startswith("site/search/") for s in state[2]), (driver.current_url, state)
    assert bool(state[2]) == search_page, (driver.current_url, state)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def shown_instant(shown: str) -> datetime:
    """A date as the site shows it ("2019-11-20 04:31 -06:00", "... 06:35 UTC", a bare day)."""
    text = shown.replace(" UTC", " +00:00")
    for form in ("%Y-%m-%d %H:%M %z", "%Y-%m-%d"):
        try:
            when = datetime.strptime(text, form)
        except ValueError:
            continue
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    raise AssertionError(f"not a date the site shows: {shown!r}")


def click(driver: Any, css: str) -> None:
    driver.find_element(By.CSS_SELECTOR, css).click()
    assert_safe(driver)


def test_browsing_the_site_from_file_urls(archive: dict[str, Any], driver: Any) -> None:
    root: Path = archive["root"]
    assert site_problems(root) == []
    driver.get_log("browser")  # start with an empty console
    driver.get((root / "index.html").as_uri())
    assert_safe(driver)
    screenshot(driver, "site-home")
    click(driver, f'a[href="{paths.source_index("alpha")}"]')
    assert driver.current_url.endswith("/site/sources/alpha/index.html")
    click(driver, f'a[href$="{archive["versioned"]}.html"]')
    assert "CORRECTED" in driver.page_source
    click(driver, f'a[href$="{archive["versioned"]}-history.html"]')
    assert "CORRECTED" in " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "ins"))
    screenshot(driver, "site-history")
    click(driver, f'a[href$="{archive["versioned"]}.html"]')
    assert "this copy is the original" in driver.page_source
    click(driver, 'a[href*="/story/"]')
    assert "One story, published 2 times" in driver.page_source
    screenshot(driver, "site-story")
    click(driver, f'a[href$="{archive["copy"]}.html"]')
    assert "Also published at" in driver.page_source and "original</span>" in driver.page_source

    driver.get((root / "index.html").as_uri())
    click(driver, f'a[href="{paths.source_index("beta")}"]')
    click(driver, f'a[href$="{archive["evil"]}.html"]')
    assert driver.title.startswith(HOSTILE_TITLE), driver.title
    assert "onerror" in driver.find_element(By.CSS_SELECTOR, ".body").text
    screenshot(driver, "site-hostile")

    for page in site_pages(root):
        driver.get(page.as_uri())
        assert_safe(driver)
    assert driver.get_log("browser") == []  # no blocked load, no CSP report, no error
    probe = "var s = document.createElement('script'); s.textContent = 'window.probe = 1';"
    assert (
        driver.execute_script(probe + "document.head.appendChild(s); return window.probe") is None
    )
    driver.get_log("browser")  # the probe's CSP report


def results(driver: Any) -> list[tuple[str, str]]:
    """The search page's result rows: (published date, title), top to bottom."""
    rows = driver.find_elements(By.CSS_SELECTOR, "#results li")
    return [
        (r.find_element(By.CSS_SELECTOR, ".when").text, r.find_element(By.CSS_SELECTOR, "a").text)
        for r in rows
    ]


def searched(driver: Any) -> None:
    """Wait until the search page is loaded and has answered (a form sent with Enter
    navigates after `send_keys` returns)."""
    from selenium.webdriver.support.ui import WebDriverWait

    def answered(driver: Any) -> bool:
        if not urlsplit(driver.current_url).path.endswith("/" + paths.SEARCH):
            return False
        found = driver.find_elements(By.CSS_SELECTOR, "#status[data-count]")
        return bool(found)

    WebDriverWait(driver, 10).until(answered)


def status(driver: Any) -> tuple[int, float]:
    """How many articles the search page found, and in how many milliseconds."""
    element = driver.find_element(By.ID, "status")
    return int(element.get_attribute("data-count")), float(element.get_attribute("data-ms"))


def fill(driver: Any, field: str, value: str, event: str) -> None:
    """Set a form field as a person would end up with it, and fire the event they would."""
    driver.execute_script(
        "const f = document.getElementById(arguments[0]); f.value = arguments[1];"
        "f.dispatchEvent(new Event(arguments[2]))",
        field,
        value,
        event,
    )


def choose(driver: Any, select: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, select)).select_by_value(value)


def test_searching_sorting_filtering_and_comparing_a_copy(
    archive: dict[str, Any], driver: Any
) -> None:
    root: Path = archive["root"]
    driver.get_log("browser")
    driver.get((root / "index.html").as_uri())
    box = driver.find_element(By.CSS_SELECTOR, "header form input[name=q]")
    box.send_keys("corrected\n")  # the word the revisit put in the versioned article
    searched(driver)
    assert_safe(driver)
    assert status(driver)[0] == 1 and status(driver)[1] < 200
    click(driver, "#results li a")
    assert driver.current_url.endswith(f"{archive['versioned']}.html")
    assert "CORRECTED" in driver.page_source

    driver.get((root / paths.SEARCH).as_uri())
    searched(driver)
    assert status(driver)[0] == 6  # an empty query lists everything
    newest = results(driver)
    choose(driver, "sort", "oldest")
    assert results(driver) == newest[::-1]
    dated = [shown_instant(when) for when, _ in newest if when != "undated"]
    assert dated == sorted(dated, reverse=True)  # by the instant, each shown in its own offset
    choose(driver, "source", "alpha")
    assert status(driver)[0] == 3
    query = driver.find_element(By.ID, "q")
    query.send_keys("correct*")  # a prefix, typed: results follow each keystroke
    assert status(driver)[0] == 1
    query.clear()
    query.send_keys("corrected")
    choose(driver, "source", "beta")
    assert status(driver)[0] == 0 and results(driver) == []
    choose(driver, "source", "")
    fill(driver, "q", "", "input")
    assert status(driver)[0] == 6
    shown = [when for when, _ in newest if when != "undated"]
    last_day = max(when[:10] for when in shown)  # the filter reads the day the page wrote
    fill(driver, "from", last_day, "change")
    assert status(driver)[0] == sum(when.startswith(last_day) for when in shown)
    assert {when[:10] for when, _ in results(driver)} == {last_day}
    screenshot(driver, "site-search")

    driver.get((root / paths.ALL / "index.html").as_uri())
    copy_row = driver.find_element(By.CSS_SELECTOR, f'li:has(a[href$="{archive["copy"]}.html"])')
    copy_row.find_element(By.CSS_SELECTOR, "a.badge.copy").click()
    assert_safe(driver)
    assert urlsplit(driver.current_url).path.endswith(paths.compare(archive["copy"]))
    assert "against the original" in driver.page_source
    assert driver.find_elements(By.CSS_SELECTOR, ".diff ins, .diff del")
    screenshot(driver, "site-compare")
    click(driver, 'a[href*="/story/"]')
    assert "Credits the original as its source" in driver.page_source
    assert driver.get_log("browser") == []


def test_the_site_served_by_a_static_server(archive: dict[str, Any], driver: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(archive["root"])))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        driver.get_log("browser")
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        assert_safe(driver)
        click(driver, f'a[href="{paths.source_index("beta")}"]')
        click(driver, f'a[href$="{archive["evil"]}.html"]')
        click(driver, 'a[href$="days/index.html"]')
        assert driver.current_url.endswith("/site/days/index.html")
        assert driver.get_log("browser") == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_missing_browser_skips_here_and_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.browser

    monkeypatch.setattr(tests.browser, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="chromium"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium"):
        require_browser()


def test_the_page_folds_a_query_as_the_index_folded_the_articles(
    tmp_path: Path, driver: Any
) -> None:
    texts = {
        "https://a.example/cafe": ("Le Café de la Gare", "Un article en français, naïf."),
        "https://b.example/tokyo": ("東京の天気", "晴れ。Tōkyō は今日も暑い。"),
        "https://c.example/plain": ("Plain news", "Nothing folded here, CAFE aside."),
    }
    store = SQLiteStore(tmp_path)
    try:
        for day, (url, (title, text)) in enumerate(texts.items()):
            store.save_article(
                source=url[8:9],
                url=url,
                entry=None,
                fetched_at=datetime(2026, 5, 1 + day, tzinfo=UTC),  # the café archived first
                article=Article(url=url, title=title, text=text, markdown=text),
                path=url[8:9],
            )
        build_site(store, tmp_path)
    finally:
        store.close()
    driver.get((tmp_path / paths.SEARCH).as_uri())
    searched(driver)
    found = {}
    for query in (
        "cafe",
        "CAFÉ",
        "cafe\u0301",
        "naif",
        "天気",
        "気天",
        "tokyo",
        "東京 tokyo",
        "晴",
    ):
        fill(driver, "q", query, "input")
        found[query] = sorted(title for _, title in results(driver))
    assert found == {
        "cafe": ["Le Café de la Gare", "Plain news"],
        "CAFÉ": ["Le Café de la Gare", "Plain news"],
        "cafe\u0301": ["Le Café de la Gare", "Plain news"],
        "naif": ["Le Café de la Gare"],
        "天気": ["東京の天気"],
        "気天": ["東京の天気"],  # characters, not phrases, are what the index knows
        "tokyo": ["東京の天気"],
        "東京 tokyo": ["東京の天気"],
        "晴": ["東京の天気"],
    }
    fill(driver, "q", "cafe", "input")  # best match: the title's word first, though older
    assert [title for _, title in results(driver)] == ["Le Café de la Gare", "Plain news"]
    choose(driver, "sort", "newest")
    assert [title for _, title in results(driver)] == ["Plain news", "Le Café de la Gare"]

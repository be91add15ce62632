"""Building the site: every link resolves, and a rebuild rewrites only what changed."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from bench.site_archive import START, add_synthetic, run_bench
from scraper.dedupe import DedupeDoc
from scraper.models import Article, Source
from scraper.outputs.site import build_site, paths, search
from scraper.outputs.site.html import CSP, SEARCH_CSP
from scraper.store.base import SourceState
from scraper.store.sqlite import SQLiteStore
from scraper.store.versions import Snapshot, version_diff

HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'
FORBIDDEN_TAGS = {"script", "img", "iframe", "object", "embed", "form", "base", "frame", "svg"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.csp: list[str] = []
        self.bad: list[str] = []
        self.scripts: list[str] = []  # src of each <script>, allowed on the search page only
        self.forms: list[str] = []  # action of each <form>, allowed to the search page only

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and set(values) == {"src"}:
            self.scripts.append(values["src"] or "")
        elif tag == "form" and values.get("action"):
            self.forms.append(values["action"] or "")
        elif tag in FORBIDDEN_TAGS:
            self.bad.append(f"<{tag}> element")
        self.bad += [f"{name}= attribute on <{tag}>" for name in values if name.startswith("on")]
        if "src" in values and tag != "script":
            self.bad.append(f"src= on <{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(values.get("content") or "")
        if "id" in values:
            self.ids.add(values["id"] or "")
        if tag in ("a", "link") and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")


def site_pages(root: Path) -> list[Path]:
    """Every page generated for the archive at `root`."""
    return [root / "index.html", *sorted((root / "site").rglob("*.html"))]


def site_files(root: Path) -> list[Path]:
    """Every file the build wrote: the pages and the search index's scripts."""
    return [*site_pages(root), *sorted((root / paths.SEARCH_FILES).glob("*.js"))]


def site_problems(root: Path) -> list[str]:
    """Broken links, unsafe links or markup, and pages missing the CSP, over the whole site;
    script only on the search page, from the site's own files, and forms only to it."""
    problems = []
    search = root / paths.SEARCH
    for file in site_pages(root):
        parser = _Page()
        parser.feed(file.read_text(encoding="utf-8"))
        name = file.relative_to(root)
        problems += [f"{name}: {bad}" for bad in parser.bad]
        if parser.csp != [SEARCH_CSP if file == search else CSP]:
            problems.append(f"{name}: CSP meta is {parser.csp}")
        for src in parser.scripts:
            target = (file.parent / unquote(src)).resolve()
            if file != search or not target.is_relative_to((root / paths.SEARCH_FILES).resolve()):
                problems.append(f"{name}: script {src!r}")
            elif not target.is_file():
                problems.append(f"{name}: no script file {src!r}")
        for action in parser.forms:
            if (file.parent / unquote(action)).resolve() != search.resolve():
                problems.append(f"{name}: a form to {action!r}")
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https") and parts.netloc:
                continue
            if parts.scheme == "data" and href == "data:,":  # the empty favicon
                continue
            if parts.scheme or parts.netloc or href.startswith("/"):
                problems.append(f"{name}: link out of the site: {href!r}")
                continue
            target = (file.parent / unquote(parts.path)).resolve() if parts.path else file
            if not target.is_file() or not target.is_relative_to(root.resolve()):
                problems.append(f"{name}: broken link {href!r}")
            elif parts.fragment and target == file and parts.fragment not in parser.ids:
                problems.append(f"{name}: no anchor for {href!r}")
    return problems


@pytest.fixture
def archive(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = SQLiteStore(tmp_path)
    add_synthetic(store, 0, 250, sources=3)
    store.save_source_state(SourceState("source-0", last_poll=START, last_success=START))
    store.save_source_state(
        SourceState(
            "source-1", last_poll=START, failures=2, last_error="HTTP 503 <b>from</b> the feed"
        )
    )
    yield store, tmp_path
    store.close()


SOURCES = [Source("source-0", "https://news0.example/feed"), Source("source-1", "javascript:x")]


def _inodes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_ino for p in site_files(root)}


def _rewritten(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) != inode}


def test_a_full_build_links_every_page_and_a_second_build_writes_nothing(archive) -> None:
    store, root = archive
    report = build_site(store, root, SOURCES)
    assert report.articles == 250 and report.article_pages_written == 250
    assert report.pages == len(site_files(root)) == report.pages_written
    assert site_problems(root) == []
    home = (root / "index.html").read_text(encoding="utf-8")
    assert "HTTP 503 &lt;b&gt;from&lt;/b&gt; the feed" in home and "failing" in home
    for name in ("source-0", "source-1", "source-2"):  # configured, polled or only in the index
        assert home.count(f'<tr><td><a href="{paths.source_index(name)}">') == 1
    manifest = json.loads((root / paths.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["articles"] == 250 and len(manifest["pages"]) == report.pages
    before = _inodes(root)
    again = build_site(store, root, SOURCES)
    assert again.pages_written == 0 and _inodes(root) == before


def test_new_articles_rewrite_their_pages_and_the_list_pages_they_join(archive) -> None:
    store, root = archive
    build_site(store, root, SOURCES)
    before = _inodes(root)
    add_synthetic(store, 250, 3, sources=3)
    report = build_site(store, root, SOURCES)
    assert report.article_pages_written == 3
    changed = _rewritten(before, _inodes(root))
    assert "site/all/p1.html" not in changed and "site/all/p3.html" in changed
    assert len(changed) == report.pages_written < 25
    assert site_problems(root) == []


def test_a_new_version_rewrites_the_article_and_its_history(archive) -> None:
    store, root = archive
    build_site(store, root, SOURCES)
    article = next(a for a in store.iter_articles() if a.versions == 1)
    edited = Article(
        url=article.url,
        text=article.text + "\n\nAn editor's note: <b>fixed</b>.",
        markdown=article.markdown + "\n\nAn editor's note.",
        title=article.title,
    )
    old = Article(
        url=article.url, text=article.text, markdown=article.markdown, title=article.title
    )
    store.add_version(
        article.id,
        edited,
        fetched_at=article.last_seen + timedelta(hours=1),
        minor=False,
        diff=version_diff(Snapshot.of(old), Snapshot.of(edited), "a", "b"),
    )
    before = _inodes(root)
    report = build_site(store, root, SOURCES)
    changed = _rewritten(before, _inodes(root))
    assert report.article_pages_written == 1
    assert {paths.article(article.id), paths.history(article.id)} <= changed
    history = (root / paths.history(article.id)).read_text(encoding="utf-8")
    assert "<ins>" in history and "&lt;b&gt;fixed&lt;/b&gt;" in history
    assert site_problems(root) == []


def test_a_story_rewrites_its_members_and_vanishes_when_it_splits(archive) -> None:
    store, root = archive
    build_site(store, root, SOURCES)
    first, second = list(store.iter_articles(limit=2))
    with store._tx() as db:  # the dedupe engine's job, until it writes story ids itself
        db.execute(
            "UPDATE articles SET story_id = ?, original_url = ? WHERE id = ?",
            (first.id, first.url, second.id),
        )
    report = build_site(store, root, SOURCES)
    assert report.article_pages_written == 2
    page = (root / paths.article(second.id)).read_text(encoding="utf-8")
    assert "Also published at" in page and "original" in page
    assert (root / paths.story(first.id)).is_file() and site_problems(root) == []
    assert "credits the original as its source" in page  # no engine record: the credit line
    assert (root / paths.compare(second.id)).is_file()
    with store._tx() as db:
        db.execute("UPDATE articles SET story_id = id WHERE id = ?", (second.id,))
    report = build_site(store, root, SOURCES)
    assert report.pages_removed == 2  # the story and the copy's comparison
    assert not (root / paths.story(first.id)).exists()
    assert not (root / paths.compare(second.id)).exists()
    assert site_problems(root) == []


def test_full_rewrites_every_page_and_hostile_metadata_stays_text(archive) -> None:
    store, root = archive
    hostile = Article(
        url="https://evil.example/x",
        text=HOSTILE,
        markdown=f"# {HOSTILE}\n\n{HOSTILE}",
        title=HOSTILE,
        authors=(HOSTILE,),
        tags=(HOSTILE,),
        canonical_url="javascript:window.pwned=1",
        original_url="javascript:x",
    )
    store.save_article(
        source=HOSTILE,
        url=hostile.url,
        article=hostile,
        entry=None,
        fetched_at=START,
        path="evil.example/x",
    )
    build_site(store, root, SOURCES)
    report = build_site(store, root, SOURCES, full=True)
    assert report.pages_written == report.pages == len(site_files(root))
    assert site_problems(root) == []
    assert not any(
        "javascript:" in p.read_text(encoding="utf-8")
        and 'href="javascript' in p.read_text(encoding="utf-8")
        for p in site_pages(root)
    )


def test_the_bench_measures_a_full_and_an_incremental_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SHARD", 40)  # the rebuild re-indexes 40 articles, not all
    result = run_bench(120, tmp_path)
    assert result.full_pages > 120 and 10 < result.incremental_pages < 40
    assert result.incremental_cpu < result.full_cpu  # wall time is the loaded machine's


def place(store: SQLiteStore, source: str, url: str, text: str, **article: Any) -> str:
    """Archive an article and let the dedupe engine place it, as a fetch does."""
    stored = store.save_article(
        source=source,
        url=url,
        article=Article(url=url, text=text, markdown=text, title="Budget vote", **article),
        entry=None,
        fetched_at=START,
        path=f"t/{source}",
    )
    doc = DedupeDoc(
        id=stored.id,
        url=url,
        text=text,
        title=stored.title,
        published=stored.published,
        credited_url=article.get("original_url"),
        first_seen=stored.first_seen,
    )
    store.place_article(store.dedupe_engine(), doc)
    return stored.id


def test_story_pages_state_each_copys_relation_and_why_the_original_is_one(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path)
    text = "\n\n".join(
        f"Paragraph {n}: the council voted on the budget for the library, the parks and the "
        f"roads of district {n}, after a debate that ran late into the night."
        for n in range(12)
    )
    try:
        original = place(store, "wire", "https://wire.example/budget", text)
        copy = place(
            store,
            "daily",
            "https://daily.example/budget",
            text,
            original_url="https://wire.example/budget",
        )
        build_site(store, tmp_path)
        story = (tmp_path / paths.story(original)).read_text(encoding="utf-8")
        assert "The original is marked: the copy at daily credits it as its source." in story
        assert "Credits the original as its source; the same text as the original" in story
        assert f'href="../../compare/{copy[-2:]}/{copy}.html">compare with the original' in story
        article = (tmp_path / paths.article(copy)).read_text(encoding="utf-8")
        assert "This copy: credits the original as its source; the same text" in article
        compared = (tmp_path / paths.compare(copy)).read_text(encoding="utf-8")
        assert "No word differs" in compared and "against the original at wire" in compared
        listed = (tmp_path / paths.ALL / "index.html").read_text(encoding="utf-8")
        assert listed.count("badge copy") == 1 and listed.count("badge orig") == 1
        assert site_problems(tmp_path) == []
    finally:
        store.close()


def test_a_new_article_rewrites_the_rows_file_and_only_the_last_terms_file(
    archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, root = archive
    monkeypatch.setattr(search, "SHARD", 100)
    build_site(store, root, SOURCES)
    before = _inodes(root)
    assert {p for p in before if p.startswith(paths.SEARCH_FILES)} == {
        paths.SEARCH_FILES + name
        for name in ("docs.js", "search.js", "terms-0000.js", "terms-0001.js", "terms-0002.js")
    }
    add_synthetic(store, 250, 1, sources=3)
    build_site(store, root, SOURCES)
    changed = {p for p in _rewritten(before, _inodes(root)) if p.startswith("site/search")}
    assert changed == {paths.SEARCH_FILES + "docs.js", paths.SEARCH_FILES + "terms-0002.js"}

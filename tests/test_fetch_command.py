"""The walking skeleton end to end: `scraper fetch` from a local test site into an archive."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, publish_corpus, rss_feed

EXPORT_KEYS = {
    "id",
    "url",
    "source",
    "title",
    "authors",
    "published",
    "updated",
    "language",
    "tags",
    "text",
    "canonical_url",
    "original_url",
    "story_id",
    "versions",
    "first_seen",
    "last_seen",
}


def shingle_f1(truth: str, predicted: str) -> float:
    def grams(text: str) -> Counter[tuple[str, ...]]:
        words = re.findall(r"\w+", text)
        return Counter(tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)))

    t, p = grams(truth), grams(predicted)
    tp = sum((t & p).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def three_feeds(site: TestSite) -> dict[str, list[str]]:
    pages = load_pages(12)
    return {
        "rss": publish_corpus(site, pages[0:4], "/rss.xml", "rss", prefix="/r/"),
        "atom": publish_corpus(site, pages[4:8], "/atom.xml", "atom", prefix="/a/"),
        "json": publish_corpus(site, pages[8:12], "/feed.json", "json", prefix="/j/"),
    }


def sources_for(site: TestSite) -> list[dict[str, str]]:
    return [
        {"name": "rss-site", "feed": site.url("/rss.xml")},
        {"name": "atom-site", "feed": site.url("/atom.xml")},
        {"name": "json-site", "feed": site.url("/feed.json")},
    ]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_fetch_archives_every_entry_of_rss_atom_and_json_feeds(site, tmp_path, cli) -> None:
    require_corpus()
    urls = three_feeds(site)
    config = write_config(tmp_path, sources_for(site))
    result = cli("fetch", "--config", str(config))
    assert result.code == 0, result.err
    assert "rss-site: 4 new" in result.out and "json-site: 4 new" in result.out

    exported = cli("export", "--format", "jsonl", "--config", str(config)).jsonl()
    assert sorted(r["url"] for r in exported) == sorted(sum(urls.values(), []))
    truth = {p.id[:12]: p.body for p in load_pages(12)}
    scores = [shingle_f1(truth[r["url"].rsplit("/", 1)[1][:12]], r["text"]) for r in exported]
    assert sum(scores) / len(scores) > 0.85
    archive = tmp_path / "archive"
    folders = {p.parent for p in archive.rglob("metadata.json")}
    assert len(folders) == 12
    for folder in folders:
        assert (folder / "article.md").read_text().startswith("---\ntitle: ")
        assert folder.relative_to(archive).parts[0] == "127.0.0.1_" + str(site.port)
    assert list((archive / "warc").glob("*.warc.gz"))
    assert (archive / "README.md").exists()


def test_second_fetch_archives_nothing_twice(site, tmp_path, cli) -> None:
    require_corpus()
    three_feeds(site)
    config = write_config(tmp_path, sources_for(site))
    assert cli("fetch", "--config", str(config)).code == 0
    before = files_under(tmp_path / "archive")
    site.clear_log()
    again = cli("fetch", "--config", str(config))
    assert again.code == 0
    assert "0 new, 4 already archived" in again.out
    assert not [r for r in site.requests if r.path.startswith(("/r/", "/a/", "/j/"))]
    after = files_under(tmp_path / "archive")
    new_files = {p for p in after - before if "warc" not in p.parts}
    assert not new_files
    assert len(cli("export", "--config", str(config)).jsonl()) == 12


def test_failing_feeds_are_reported_while_others_carry_on(site, tmp_path, cli) -> None:
    require_corpus()
    publish_corpus(site, load_pages(2), "/good.xml", "rss")
    site.fault("/broken.xml", "status", status=500)
    site.add("/garbage.xml", b"\x00\x01 this is not a feed {", content_type="application/xml")
    config = write_config(
        tmp_path,
        [
            {"name": "broken", "feed": site.url("/broken.xml")},
            {"name": "garbage", "feed": site.url("/garbage.xml")},
            {"name": "good", "feed": site.url("/good.xml")},
        ],
        http={"retries": 1},
    )
    result = cli("fetch", "--config", str(config))
    assert result.code == 1
    assert "good: 2 new" in result.out
    errors = [line for line in result.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any(f"broken: {site.url('/broken.xml')}: HTTP 500" in e for e in errors)
    assert any("garbage: " in e and "feed" in e for e in errors)
    assert "Traceback" not in result.err


def test_export_follows_the_jsonl_contract(site, tmp_path, cli) -> None:
    require_corpus()
    publish_corpus(site, load_pages(3), "/feed.xml", "atom")
    config = write_config(tmp_path, [{"name": "one", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    records = cli("export", "--format", "jsonl", "--config", str(config)).jsonl()
    assert len(records) == 3
    for record in records:
        assert set(record) == EXPORT_KEYS
        assert record["source"] == "one"
        assert isinstance(record["authors"], list) and isinstance(record["tags"], list)
        assert record["story_id"] == record["id"]
        # Served from 127.0.0.1, each real page's canonical points at its own site: a credit.
        assert record["original_url"] is None or record["original_url"].startswith("https://")
        assert record["versions"] == 1
        assert record["text"].strip()
        assert record["first_seen"].endswith("+00:00")
    versions = cli("export", "--versions", "--config", str(config)).jsonl()
    assert len(versions) == 3
    assert all(set(v) == EXPORT_KEYS | {"version", "fetched_at"} for v in versions)
    assert {v["version"] for v in versions} == {1}


def test_list_and_show_find_articles_by_id_and_url(site, tmp_path, cli) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(2), "/feed.xml", "rss")
    config = write_config(tmp_path, [{"name": "one", "feed": site.url("/feed.xml")}])
    cli("fetch", "--config", str(config))
    listing = cli("list", "--config", str(config))
    assert listing.code == 0 and len(listing.out.splitlines()) == 2
    ident = listing.out.split()[0]
    by_id = cli("show", ident, "--config", str(config))
    by_url = cli("show", urls[0] + "?utm_source=x", "--config", str(config))
    assert by_id.code == 0 and by_url.code == 0
    assert "url: " in by_id.out
    assert cli("show", "nope", "--config", str(config)).code == 1


HOSTILE = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/escape.html",
    "/a/..%2f..%2f..%2fescape",
    "/con",
    "/" + "x" * 3000,
    "/\u2215etc\u2215passwd",
    "/nul%00byte.html",
]


def test_hostile_urls_and_titles_stay_inside_the_archive(site, tmp_path, cli) -> None:
    require_corpus()
    page = load_pages(1)[0]
    items = []
    titles = [
        "../../../../tmp/evil",
        "/etc/passwd",
        "a\x00b",
        "..",
        "C:\\Windows\\x",
        "x" * 5000,
        "\u2025\u2215\u2025\u2215evil",
    ]
    for index, (path, title) in enumerate(zip(HOSTILE, titles, strict=True)):
        site.add(path, page.html.replace("<title>", f"<title>{title} ", 1))
        items.append(FeedItem(url=site.url(path), title=title, guid=f"g{index}"))
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "hostile", "feed": site.url("/feed.xml")}])
    outside_before = set(tmp_path.iterdir())
    result = cli("fetch", "--config", str(config))
    assert "Traceback" not in result.err
    archive = (tmp_path / "archive").resolve()
    assert set(tmp_path.iterdir()) - {tmp_path / "archive"} == outside_before
    for path in archive.rglob("*"):
        assert path.resolve().is_relative_to(archive)
        assert len(path.name) <= 120
    # httpx resolves dot segments and percent-encodes, so some requests miss the test site's
    # resources; those are reported as failures, the others archived safely.
    archived = len(list(archive.rglob("metadata.json")))
    reported = result.err.count("error: hostile: ")
    assert archived >= 4 and archived + reported == len(HOSTILE)


def test_archive_survives_a_rerun_with_new_entries(site, tmp_path, cli) -> None:
    require_corpus()
    pages = load_pages(6)
    publish_corpus(site, pages[:3], "/feed.xml", "rss")
    config = write_config(tmp_path, [{"name": "one", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    first = {r["id"]: r for r in cli("export", "--config", str(config)).jsonl()}
    publish_corpus(site, pages, "/feed.xml", "rss")  # the feed now lists 6 entries
    result = cli("fetch", "--config", str(config))
    assert "3 new, 3 already archived" in result.out
    second = {r["id"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert len(second) == 6
    for ident, record in first.items():
        assert second[ident]["text"] == record["text"]
        assert second[ident]["first_seen"] == record["first_seen"]


def test_unknown_source_and_bad_config_exit_2_with_one_line(tmp_path, cli) -> None:
    config = write_config(tmp_path, [{"name": "one", "feed": "https://example.org/f"}])
    result = cli("fetch", "--source", "other", "--config", str(config))
    assert result.code == 2 and result.err.count("\n") == 1
    bad = tmp_path / "bad.toml"
    bad.write_text("[http]\nspeed = 3\n")
    result = cli("fetch", "--config", str(bad))
    assert result.code == 2 and "http.speed: unknown key" in result.err


@pytest.mark.parametrize("command", ["list", "export"])
def test_commands_on_a_missing_archive_say_so(tmp_path, cli, command) -> None:
    config = write_config(tmp_path, [])
    result = cli(command, "--config", str(config))
    assert result.code == 1 and "no archive yet" in result.err


def test_a_page_that_failed_is_fetched_at_the_next_poll_though_the_feed_is_unchanged(
    site, tmp_path, cli
) -> None:
    require_corpus()
    urls = publish_corpus(site, load_pages(3), "/feed.xml", "rss", etag="feed-v1")
    failing = urls[1].removeprefix(site.base_url)
    site.fault(failing, "status", status=500)
    config = write_config(
        tmp_path, [{"name": "flaky", "feed": site.url("/feed.xml")}], http={"retries": 0}
    )
    first = cli("fetch", "--config", str(config))
    assert first.code == 1 and "HTTP 500" in first.err
    site.fault(failing, None)
    second = cli("fetch", "--config", str(config))
    assert second.code == 0, second.err
    exported = cli("export", "--config", str(config)).out.splitlines()
    assert len(exported) == 3
    third = cli("fetch", "--config", str(config))  # nothing missing: the feed may be a 304 again
    assert "not modified" in third.out


def test_the_command_exits_with_its_code_and_all_its_output(site, tmp_path) -> None:
    """`scraper` skips the interpreter's teardown at exit: what it printed still arrives whole
    through a pipe, and its exit code is the command's."""
    import subprocess
    import sys

    require_corpus()
    three_feeds(site)
    config = write_config(tmp_path, sources_for(site))
    site.fault("/atom.xml", "status", status=500)
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "fetch", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == [
        "rss-site",
        "atom-site",
        "json-site",
    ]
    assert "error: atom-site: " in done.stderr and "HTTP 500" in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "scraper", "list", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 8


def test_a_poll_holds_only_the_pages_in_flight_not_every_article_it_stored(site, tmp_path) -> None:
    """Memory of a large first poll stays flat: a stored page's article is let go at once."""
    import asyncio
    import gc

    from scraper.config.settings import load_config
    from scraper.pipeline.pages import PAGES_IN_FLIGHT, WARM_UP, Fetched
    from scraper.runners.once import fetch_once

    require_corpus()
    publish_corpus(site, load_pages(40), "/many.xml", "rss", prefix="/m/")
    config = load_config(write_config(tmp_path, [{"name": "many", "feed": site.url("/many.xml")}]))
    held: list[int] = []

    class Counting:
        def article(self) -> None:
            held.append(sum(isinstance(o, Fetched) for o in gc.get_objects()))

        def finished(self) -> None: ...

        def close(self) -> None: ...

    [report] = asyncio.run(fetch_once(config, list(config.sources), progress=Counting()))  # type: ignore[arg-type]
    assert report.new == len(held) == 40
    assert max(held) <= PAGES_IN_FLIGHT + WARM_UP


def test_fetch_run_from_a_folder_holding_a_scraper_folder_archives_every_page(
    site, tmp_path
) -> None:
    """The extraction processes import the installed scraper, never one in the current folder
    (where `git clone` leaves a `scraper/`)."""
    import subprocess
    import sys

    require_corpus()
    urls = publish_corpus(site, load_pages(2), "/feed.xml", "rss")
    decoy = tmp_path / "scraper"
    decoy.mkdir()
    (decoy / "extract").mkdir()  # a namespace package named `scraper`, without our modules
    config = write_config(tmp_path, [{"name": "here", "feed": site.url("/feed.xml")}])
    command = Path(sys.executable).with_name("scraper")
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    done = subprocess.run([str(command), "fetch", "--config", str(config)], **run)
    assert done.returncode == 0, done.stderr
    assert "extraction failed" not in done.stderr
    listed = subprocess.run([str(command), "export", "--config", str(config)], **run)
    exported = [line for line in listed.stdout.splitlines() if line.strip()]
    assert len(exported) == len(urls)
    assert all('"text": ""' not in line for line in exported)

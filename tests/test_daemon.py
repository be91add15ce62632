"""`scraper run` as a real process: schedule, restart, lock, signals, reload, status."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.config.settings import DaemonSettings
from scraper.models import Source
from scraper.pipeline.schedule import adapt_interval, bounds, jittered, max_age, retry_delay
from scraper.store.cdxj import CdxjIndex
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import TestSite, publish_corpus

REPO = Path(__file__).resolve().parents[1]


def start(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "run", "--config", str(config), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[int, str]:
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    return process.returncode, err


def export(config: Path) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "scraper", "export", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def status(config: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "scraper", "status", "--json", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.fixture
def two_sources(site: TestSite, tmp_path: Path) -> Path:
    require_corpus()
    pages = load_pages(4)
    publish_corpus(site, pages[:2], "/a.xml", "rss", prefix="/a/")
    publish_corpus(site, pages[2:], "/b.xml", "atom", prefix="/b/")
    return write_config(
        tmp_path,
        [
            {"name": "a", "feed": site.url("/a.xml"), "interval": "1h"},
            {"name": "b", "feed": site.url("/b.xml"), "interval": "1h"},
        ],
    )


def test_due_sources_are_polled_at_start_and_sigterm_stops_cleanly(
    site: TestSite, two_sources: Path
) -> None:
    daemon = start(two_sources)
    try:
        wait_for(
            lambda: len(site.requests_to("/a.xml")) == 1 and len(site.requests_to("/b.xml")) == 1
        )
        wait_for(lambda: status(two_sources)["sources"][1]["last_success"] is not None)
        # A poll ends once its pages are fetched; the extraction stage stores them after.
        wait_for(lambda: sum(s["articles"] for s in status(two_sources)["sources"]) == 4)
        running = status(two_sources)
        assert running["daemon"]["running"] and running["daemon"]["pid"] == daemon.pid
    finally:
        code, err = stop(daemon)
    assert code == 0, err
    assert "daemon started" in err and "daemon stopped" in err
    assert len(export(two_sources)) == 4
    assert not status(two_sources)["daemon"]["running"]
    for line in err.splitlines():  # every line names a source and a URL, or '-' for none
        assert len(line.split(" ")) >= 5


def test_a_restart_resumes_without_repolling_sources_not_due(
    site: TestSite, two_sources: Path
) -> None:
    first = start(two_sources)
    try:
        wait_for(lambda: all(s["last_success"] for s in status(two_sources)["sources"]))
    finally:
        stop(first)
    site.clear_log()
    second = start(two_sources)
    try:
        time.sleep(3)
    finally:
        code, _ = stop(second)
    assert code == 0
    assert not site.requests_to("/a.xml") and not site.requests_to("/b.xml")
    assert len(export(two_sources)) == 4


def test_a_second_daemon_on_the_same_archive_exits_with_a_clear_message(
    site: TestSite, two_sources: Path
) -> None:
    first = start(two_sources)
    try:
        wait_for(lambda: status(two_sources)["daemon"]["running"])
        second = subprocess.run(
            [sys.executable, "-m", "scraper", "run", "--config", str(two_sources)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        stop(first)
    assert second.returncode == 1
    assert f"another `scraper run` (pid {first.pid})" in second.stderr
    assert "Traceback" not in second.stderr


def test_the_daemon_keeps_the_replay_index_current_while_it_runs(
    site: TestSite, two_sources: Path
) -> None:
    index = CdxjIndex(two_sources.parent / "archive" / "warc")

    def indexed_articles() -> set[str]:
        return {
            str(line.fields["url"])
            for line in index.lines()
            if "/a/" in str(line.fields["url"]) or "/b/" in str(line.fields["url"])
        }

    daemon = start(two_sources)
    try:
        wait_for(lambda: len(indexed_articles()) == 4)  # after its polls, not at exit
        # (a poll ends, and its records are indexed, once its pages are fetched; the stage
        # stores them after: a stop right then would leave them for the next start)
        wait_for(lambda: sum(s["articles"] for s in status(two_sources)["sources"]) == 4)
    finally:
        code, err = stop(daemon)
    assert code == 0, err
    [warc] = (two_sources.parent / "archive" / "warc").glob("*.warc.gz")
    assert index.state() == {warc.name: warc.stat().st_size}
    assert {r["url"] for r in export(two_sources)} == indexed_articles()


def test_sighup_reloads_the_config_and_polls_a_new_source(
    site: TestSite, two_sources: Path
) -> None:
    require_corpus()
    publish_corpus(site, load_pages(6)[4:], "/c.xml", "json", prefix="/c/")
    daemon = start(two_sources)
    try:
        wait_for(lambda: all(s["last_success"] for s in status(two_sources)["sources"]))
        text = two_sources.read_text()
        two_sources.write_text(text + f'\n[[sources]]\nname = "c"\nfeed = "{site.url("/c.xml")}"\n')
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: len(export(two_sources)) == 6)
    finally:
        code, err = stop(daemon)
    assert code == 0 and "source added" in err


def test_sigint_during_slow_polls_leaves_a_consistent_archive(site: TestSite, tmp_path) -> None:
    require_corpus()
    publish_corpus(site, load_pages(6), "/feed.xml", "rss")
    site.latency = 0.5
    config = write_config(
        tmp_path,
        [{"name": "slow", "feed": site.url("/feed.xml")}],
        http={"per_host_concurrency": 1},
    )
    daemon = start(config)
    wait_for(lambda: len(site.requests) >= 4)
    code, err = stop(daemon, signal.SIGINT)
    assert code == 0, err
    archived = export(config)
    for record in archived:  # every indexed article has its files
        assert record["text"]
    folders = list((tmp_path / "archive").rglob("metadata.json"))
    assert len(folders) == len(archived)
    site.latency = 0
    subprocess.run(
        [sys.executable, "-m", "scraper", "fetch", "--config", str(config)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    assert len(export(config)) == 6


# -- the schedule's arithmetic ---------------------------------------------------------------
SOURCE = Source(name="s", feed="https://x.org/f", interval=1800)
SETTINGS = DaemonSettings(min_interval=300, max_interval=86400)


def test_active_feeds_are_polled_more_often_and_quiet_ones_less() -> None:
    faster = adapt_interval(SOURCE, SETTINGS, 1800, new_entries=3)
    slower = adapt_interval(SOURCE, SETTINGS, 1800, new_entries=0)
    assert faster < 1800 < slower


def test_adaptation_stays_within_bounds_and_respects_the_feed_ttl() -> None:
    interval = 1800.0
    for _ in range(50):
        interval = adapt_interval(SOURCE, SETTINGS, interval, new_entries=5)
    assert interval == bounds(SOURCE, SETTINGS, None)[0] == 450
    for _ in range(50):
        interval = adapt_interval(SOURCE, SETTINGS, interval, new_entries=0)
    assert interval == 7200
    assert adapt_interval(SOURCE, SETTINGS, 600, new_entries=9, hint=3600) == 3600


def test_failing_sources_back_off_exponentially_to_a_cap() -> None:
    assert retry_delay(600, 1) == 600
    assert retry_delay(600, 2) == 1200
    assert retry_delay(600, 50) == 600 * 16


def test_jitter_and_cache_control() -> None:
    import random

    rng = random.Random(1)
    values = [jittered(100, 0.1, rng) for _ in range(100)]
    assert all(90 <= v <= 110 for v in values) and len(set(values)) > 50
    assert max_age("public, max-age=600") == 600
    assert max_age("no-cache") is None


def test_a_source_whose_poll_outlasts_its_interval_keeps_being_polled(
    site: TestSite, tmp_path: Path
) -> None:
    require_corpus()
    publish_corpus(site, load_pages(1), "/slow.xml", "rss", prefix="/s/")
    site.fault("/slow.xml", "latency", seconds=1.2)  # each poll takes longer than the interval
    config = write_config(
        tmp_path, [{"name": "slow", "feed": site.url("/slow.xml"), "interval": "1s"}]
    )
    with config.open("a", encoding="utf-8") as text:
        text.write('\n[daemon]\nmin_interval = "1s"\njitter = 0.0\n')
    daemon = start(config)
    try:
        wait_for(lambda: len(site.requests_to("/slow.xml")) >= 4, timeout=20)
    finally:
        _, err = stop(daemon)
    assert "skipped" not in err  # APScheduler never dropped a run of the source


def test_the_daemon_cleans_a_new_source_s_first_pages_of_its_template_too(
    site: TestSite, tmp_path: Path
) -> None:
    """A new source's first pages reach the extraction stage together and are learned together,
    as `fetch` does: its template is cleaned from them too; the later pages of that poll wait
    until it is learned (the stage's other tasks would take them meanwhile)."""
    from tests.test_site_learning import long_pages, publish_about

    require_corpus()
    publish_about(site, long_pages(8))
    config = write_config(
        tmp_path,
        [{"name": "exemple", "feed": site.url("/feed.xml")}],
        http={"per_host_delay": "0.2s"},
    )
    daemon = start(config)
    try:
        wait_for(lambda: sum(s["articles"] for s in status(config)["sources"]) == 8)
    finally:
        code, err = stop(daemon)
    assert code == 0, err
    texts = [r["text"] for r in export(config)]
    assert len(texts) == 8 and not any("Exemple Hebdo" in t for t in texts), [
        t[:200] for t in texts
    ]

"""A source's next state after a poll, and an article's next revisit: pure decisions, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scraper.config.settings import DaemonSettings
from scraper.models import Source
from scraper.pipeline.report import SourceReport
from scraper.pipeline.schedule import after_poll, next_revisit
from scraper.store.base import SourceState

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
SOURCE = Source(name="s", feed="https://example.org/feed.xml", interval=1800)
SETTINGS = DaemonSettings()
FEED = "https://example.org/feed.xml"


def report(**values: object) -> SourceReport:
    done = SourceReport("s", FEED)
    for key, value in values.items():
        setattr(done, key, value)
    return done


def test_a_successful_poll_clears_failures_and_sets_the_next_poll_one_interval_on() -> None:
    before = SourceState("s", failures=2, last_error="HTTP 500", interval=1800)
    after = after_poll(before, SOURCE, SETTINGS, report(new=3), FEED, NOW)
    assert (after.failures, after.last_error, after.last_success) == (0, None, NOW)
    assert after.interval is not None and after.interval < 1800  # new entries: sooner
    assert after.next_poll == NOW + timedelta(seconds=after.interval)


def test_a_failed_poll_counts_and_backs_off_from_the_configured_interval() -> None:
    before = SourceState("s", failures=1, interval=900)
    after = after_poll(before, SOURCE, SETTINGS, report(error="HTTP 503"), FEED, NOW)
    assert (after.failures, after.last_error, after.interval) == (2, "HTTP 503", 1800)
    assert after.next_poll == NOW + timedelta(seconds=3600)  # the second failure: twice
    assert after.last_success is None


def test_a_feed_that_moved_is_followed_and_a_disabled_source_stays_disabled() -> None:
    moved = report()
    moved.feed_url = "https://example.org/new-feed.xml"
    after = after_poll(SourceState("s"), SOURCE, SETTINGS, moved, FEED, NOW)
    assert after.feed_url == "https://example.org/new-feed.xml"
    gone = SourceState("s", disabled="HTTP 410 Gone")
    after = after_poll(gone, SOURCE, SETTINGS, report(error="gone"), FEED, NOW)
    assert after.disabled == "HTTP 410 Gone"


def test_the_next_revisit_is_the_first_still_ahead() -> None:
    first_seen = NOW - timedelta(hours=2)
    delays = (3600.0, 6 * 3600.0, 24 * 3600.0)
    assert next_revisit(delays, first_seen, NOW) == first_seen + timedelta(hours=6)
    assert next_revisit(delays, first_seen, NOW + timedelta(days=2)) is None

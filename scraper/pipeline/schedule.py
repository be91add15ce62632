"""When to poll a source next: pure arithmetic over what the last poll saw.

Active feeds (new entries) are polled more often, quiet ones less, failing ones back off
exponentially; the feed's own ttl / sy:updatePeriod / Cache-Control max-age is a lower bound,
and everything stays within the configured minimum and maximum.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import datetime, timedelta

from scraper.config.settings import DaemonSettings
from scraper.models import Source
from scraper.pipeline.report import SourceReport
from scraper.store.base import SourceState

ACTIVE_FACTOR = 0.75  # a poll that found new entries shortens the interval by this factor
QUIET_FACTOR = 1.25  # a poll that found nothing new stretches it by this one
ADAPT_RANGE = 4.0  # adaptation stays within interval/4 .. interval*4 of the configured one
MAX_BACKOFF_DOUBLINGS = 4  # a failing source is polled at most 16 times less often


def bounds(source: Source, settings: DaemonSettings, hint: float | None) -> tuple[float, float]:
    """The lowest and highest interval allowed for this source."""
    lower = max(min(settings.min_interval, source.interval), source.interval / ADAPT_RANGE)
    lower = max(lower, hint or 0.0)
    upper = max(min(settings.max_interval, source.interval * ADAPT_RANGE), lower)
    return lower, upper


def adapt_interval(
    source: Source,
    settings: DaemonSettings,
    current: float | None,
    *,
    new_entries: int,
    hint: float | None = None,
) -> float:
    """The interval after a successful poll that found `new_entries` new entries."""
    interval = current or source.interval
    interval *= ACTIVE_FACTOR if new_entries else QUIET_FACTOR
    lower, upper = bounds(source, settings, hint)
    return min(max(interval, lower), upper)


def retry_delay(interval: float, failures: int) -> float:
    """Seconds until the next poll of a source that failed `failures` times in a row."""
    return interval * 2 ** min(max(failures - 1, 0), MAX_BACKOFF_DOUBLINGS)


# A page that failed is tried again at its source's next poll, then after 5 minutes, 10, 20, ...
# at most a day apart, for as long as it fails: it is never given up while the feed is polled.
PAGE_RETRY_BASE = 300.0
PAGE_RETRY_MAX = 86400.0


def page_retry_delay(attempts: int) -> float:
    """Seconds until a page that failed `attempts` times in a row is due again."""
    if attempts <= 1:
        return 0.0
    return min(PAGE_RETRY_BASE * 2 ** (attempts - 2), PAGE_RETRY_MAX)


def jittered(delay: float, jitter: float, rng: random.Random | None = None) -> float:
    """Spread a delay by up to +/- `jitter` (a fraction) so polls don't fall in step."""
    spread = (rng or random).uniform(-jitter, jitter)
    return max(0.0, delay * (1.0 + spread))


def max_age(cache_control: str | None) -> float | None:
    """Seconds of Cache-Control max-age (or s-maxage), if the header gives one."""
    if not cache_control:
        return None
    match = re.search(r"(?:s-)?max-age\s*=\s*(\d+)", cache_control, re.IGNORECASE)
    return float(match.group(1)) if match else None


def after_poll(
    state: SourceState,
    source: Source,
    settings: DaemonSettings,
    report: SourceReport,
    feed_url: str,
    now: datetime,
) -> SourceState:
    """The source's state once a poll of `feed_url` ended as `report` says: a success adapts
    the interval to what it found, a failure backs off; the feed's new address is kept."""
    interval = state.interval if state.interval and not report.error else source.interval
    if report.error:
        failures = state.failures + 1
        delay = retry_delay(interval, failures)
        state = replace(state, last_error=report.error, failures=failures)
    else:
        interval = adapt_interval(
            source,
            settings,
            state.interval,
            new_entries=report.new + report.queued,
            hint=report.hint,
        )
        delay = interval
        state = replace(state, last_success=now, last_error=None, failures=0, disabled=None)
    state = replace(state, interval=interval, next_poll=now + timedelta(seconds=delay))
    if report.feed_url != feed_url or (report.error is None and state.feed_url):
        state = replace(state, feed_url=report.feed_url)
    return state


def next_revisit(delays: tuple[float, ...], first_seen: datetime, now: datetime) -> datetime | None:
    """The first revisit (`delays` seconds after `first_seen`) still ahead of `now`, or None
    when all are done."""
    for delay in delays:
        when = first_seen + timedelta(seconds=delay)
        if when > now:
            return when
    return None

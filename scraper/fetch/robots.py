"""robots.txt (RFC 9309) through protego: fetched once per host, cached, obeyed.

A 4xx robots.txt allows everything; a 5xx or an unreachable one means "not now": the host is
tried again later (an earlier cached copy is used meanwhile, when there is one).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from scraper.errors import RetryLaterError
from scraper.store.base import RobotsRecord, Store
from scraper.urls import host_of

UNREACHABLE_RETRY = timedelta(minutes=15)
MAX_ROBOTS_SIZE = 500_000  # RFC 9309 asks parsers to read at least 500 KiB


@dataclass(frozen=True)
class RobotsAnswer:
    allowed: bool
    crawl_delay: float | None = None


# Fetches robots.txt for an origin: (status, text, problem); status 0 when unreachable.
RobotsFetch = Callable[[str], Awaitable[tuple[int, str, str | None]]]


class RobotsPolicy:
    """Answers "may we fetch this URL?" for one user agent, caching each host's rules."""

    def __init__(
        self,
        store: Store,
        fetch: RobotsFetch,
        user_agent: str,
        ttl: float,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._fetch = fetch
        self._agent = user_agent.split("/", 1)[0].strip() or "scraper"
        self._ttl = timedelta(seconds=ttl)
        self._clock = clock
        self._parsed: dict[str, tuple[RobotsRecord, Protego | None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._problems: dict[str, str] = {}

    async def check(self, url: str) -> RobotsAnswer:
        host = host_of(url)
        record, rules = await self._rules(url, host)
        if record.status == 0 or record.status >= 500:
            problem = self._problems.get(host) or f"HTTP {record.status}"
            raise RetryLaterError(
                url, record.expires, f"robots.txt of {host} is unavailable ({problem})"
            )
        if rules is None:
            return RobotsAnswer(True)
        delay = rules.crawl_delay(self._agent)
        return RobotsAnswer(rules.can_fetch(url, self._agent), float(delay) if delay else None)

    async def sitemaps(self, url: str) -> list[str]:
        """The `Sitemap:` lines of the host's robots.txt (none when it has none)."""
        try:
            _, rules = await self._rules(url, host_of(url))
        except RetryLaterError:
            return []
        return list(rules.sitemaps) if rules is not None else []

    async def _rules(self, url: str, host: str) -> tuple[RobotsRecord, Protego | None]:
        now = self._clock()
        cached = self._parsed.get(host)
        if cached and cached[0].expires > now:
            return cached
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:  # one robots.txt request per host, however many URLs wait on it
            cached = self._parsed.get(host)
            if cached and cached[0].expires > now:
                return cached
            stored = self._store.get_robots(host)
            if stored is None or stored.expires <= now:
                stored = await self._refresh(url, host, stored)
            rules = Protego.parse(stored.text) if 200 <= stored.status < 300 else None
            self._parsed[host] = (stored, rules)
            return stored, rules

    async def _refresh(self, url: str, host: str, previous: RobotsRecord | None) -> RobotsRecord:
        parts = urlsplit(url)
        status, text, problem = await self._fetch(f"{parts.scheme}://{parts.netloc}/robots.txt")
        if problem:
            self._problems[host] = problem
        now = self._clock()
        if status == 0 or status >= 500:
            if previous is not None and 200 <= previous.status < 300:
                # Keep obeying the last rules we saw while the server is down.
                record = RobotsRecord(host, previous.status, previous.text, now + UNREACHABLE_RETRY)
            else:
                record = RobotsRecord(host, status, "", now + UNREACHABLE_RETRY)
        else:
            record = RobotsRecord(host, status, text[:MAX_ROBOTS_SIZE], now + self._ttl)
        self._store.set_robots(record)
        return record

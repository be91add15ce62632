"""Sources in an SQL index: their state between polls, their polls and health, and the pages
they listed that are not archived yet (a part of `SQLStore`)."""

from __future__ import annotations

import json
from abc import abstractmethod
from dataclasses import astuple, replace
from datetime import datetime
from typing import Any

from scraper.models import FeedEntry
from scraper.store.base import PageFailure, SourceState
from scraper.store.health import WINDOW, FailedPage, Health, PageRecord, PollRecord, assess
from scraper.store.sql import source_state_record
from scraper.store.sql_base import SQLBase
from scraper.urls import normalize_url


class Sources(SQLBase):
    """Each source's state and health, and its pages not archived yet."""

    @abstractmethod
    def count_articles(self, source: str | None = None) -> int: ...

    def source_state(self, name: str) -> SourceState:
        rows = self._query("SELECT * FROM sources WHERE name = ?", (name,))
        count = self.count_articles(name)
        if not rows:
            return SourceState(name=name, articles=count)
        return source_state_record(rows[0], self._dt, count)

    def save_source_state(self, state: SourceState) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO sources (name, configured_feed, feed_url, last_poll, last_success, "
                "last_error, failures, next_poll, disabled, interval) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET feed_url = excluded.feed_url, "
                "configured_feed = excluded.configured_feed, "
                "last_poll = excluded.last_poll, last_success = excluded.last_success, "
                "last_error = excluded.last_error, failures = excluded.failures, "
                "next_poll = excluded.next_poll, disabled = excluded.disabled, "
                "interval = excluded.interval",
                (
                    state.name,
                    state.configured_feed,
                    state.feed_url,
                    self._ts(state.last_poll),
                    self._ts(state.last_success),
                    state.last_error,
                    state.failures,
                    self._ts(state.next_poll),
                    state.disabled,
                    state.interval,
                ),
            )

    def source_states(self) -> list[SourceState]:
        """Every source's state, in two statements whatever their number (the browse site and
        `status` read them all; one by one, a cluster's 10,000 sources took 20,000)."""
        counts = {
            r["source"]: int(r["n"])
            for r in self._query("SELECT source, COUNT(*) AS n FROM articles GROUP BY source")
        }
        rows = self._query("SELECT * FROM sources ORDER BY name")
        return [source_state_record(row, self._dt, counts.get(row["name"], 0)) for row in rows]

    def record_poll(self, source: str, at: datetime, poll: PollRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO polls (source, at, ok, status, entries, new, pages, failed_pages, "
                "page_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source, self._ts(at), *astuple(poll)),  # the columns in the record's order
            )

    def log_page_failure(self, source: str, at: datetime, failure: FailedPage) -> None:
        """Count a failed fetch of a page in its source's health (revisits too)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO failure_log (source, url, at, kind, reason) VALUES (?, ?, ?, ?, ?)",
                (source, failure.url, self._ts(at), failure.kind, failure.reason),
            )

    def health(self, source: str, polls: int = 100) -> Health:
        """The source's health over its latest polls and pages, and the pages that failed
        since the first of those polls."""
        poll_rows = self._query(
            "SELECT at, ok, status, entries, new, pages, failed_pages, page_error FROM polls "
            "WHERE source = ? ORDER BY id DESC LIMIT ?",
            (source, polls),
        )
        page_rows = self._query(
            "SELECT length(text) AS chars, published IS NOT NULL AS dated, "
            "authors != '[]' AS authored FROM articles WHERE source = ? "
            f"ORDER BY first_seen DESC, {self._insertion_order} DESC LIMIT ?",
            (source, 2 * WINDOW),
        )
        health = assess(
            [
                PollRecord(
                    bool(r["ok"]),
                    r["status"],
                    r["entries"],
                    r["new"],
                    r["pages"],
                    r["failed_pages"],
                    r["page_error"],
                )
                for r in poll_rows
            ],
            [PageRecord(r["chars"] or 0, bool(r["dated"]), bool(r["authored"])) for r in page_rows],
        )
        return self._failure_counts(health, source, poll_rows[-1]["at"]) if poll_rows else health

    def _failure_counts(self, health: Health, source: str, since: Any) -> Health:
        """`health` with the source's pages that failed since `since` (a stored time)."""
        counts = {
            row["kind"]: int(row["n"])
            for row in self._query(
                "SELECT kind, COUNT(*) AS n FROM failure_log WHERE source = ? AND at >= ? "
                "GROUP BY kind",
                (source, since),
            )
        }
        latest = self._query(
            "SELECT url, kind, reason FROM failure_log WHERE source = ? AND at >= ? "
            "AND kind = 'blocked' ORDER BY at DESC, id DESC LIMIT 1",
            (source, since),
        )
        last = FailedPage(latest[0]["url"], "blocked", latest[0]["reason"]) if latest else None
        return replace(
            health,
            failed_pages=sum(counts.values()),
            blocked_pages=counts.get("blocked", 0),
            last_blocked=last,
        )

    # -- pages not archived yet ------------------------------------------------------------
    def clear_page_failure(self, url: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM page_failures WHERE url_key = ?", (normalize_url(url),))

    def _page_failure(self, row: Any) -> PageFailure:
        first, last, due = (self._dt(row[k]) for k in ("first_failed", "last_failed", "next_try"))
        assert first is not None and last is not None and due is not None
        return PageFailure(
            url=row["url"],
            source=row["source"],
            entry=FeedEntry.from_json(json.loads(row["entry"])),
            kind=row["kind"],
            error=row["error"],
            status=row["status"],
            attempts=int(row["attempts"]),
            first_failed=first,
            last_failed=last,
            next_try=due,
        )

    def page_failure(self, url: str) -> PageFailure | None:
        rows = self._query("SELECT * FROM page_failures WHERE url_key = ?", (normalize_url(url),))
        return self._page_failure(rows[0]) if rows else None

    def record_page_failure(self, failure: PageFailure) -> None:
        """Record (or update) a page that failed; it stays due until it is archived."""
        ts = self._ts
        with self._write() as db:
            db.execute(
                "INSERT INTO page_failures (url_key, url, source, entry, kind, error, status, "
                "attempts, first_failed, last_failed, next_try) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url_key) DO UPDATE SET "
                "source = excluded.source, entry = excluded.entry, kind = excluded.kind, "
                "error = excluded.error, status = excluded.status, attempts = excluded.attempts, "
                "last_failed = excluded.last_failed, next_try = excluded.next_try",
                (
                    normalize_url(failure.url),
                    failure.url,
                    failure.source,
                    json.dumps(failure.entry.to_json()),
                    failure.kind,
                    failure.error,
                    failure.status,
                    failure.attempts,
                    ts(failure.first_failed),
                    ts(failure.last_failed),
                    ts(failure.next_try),
                ),
            )

    def page_failures(
        self, source: str | None = None, *, due: datetime | None = None, limit: int = 1000
    ) -> list[PageFailure]:
        """Pages not archived yet (of one source; due by `due`), the soonest due first."""
        clauses, args = [], []
        if source is not None:
            clauses.append("source = ?")
            args.append(source)
        if due is not None:
            clauses.append("next_try <= ?")
            args.append(self._ts(due))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(
            f"SELECT * FROM page_failures {where} ORDER BY next_try, url_key LIMIT ?",
            (*args, limit),
        )
        return [self._page_failure(r) for r in rows]

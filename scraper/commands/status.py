"""`scraper status`: each source's health and schedule, and whether the daemon runs.

The store is imported when the command runs, not when the parser is built (it brings numpy).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scraper.commands import context
from scraper.commands.context import EXIT_OK
from scraper.config.settings import Config
from scraper.models import Source

if TYPE_CHECKING:
    from scraper.store.base import PageFailure, SourceState
    from scraper.store.health import Health

NAME = "status"
HELP = DESCRIPTION = "show each source's health, schedule and counts"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="as one JSON document")


def run(args: argparse.Namespace) -> int:
    status = collect_status(context.config(args))
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        print(render_status(status))
    return EXIT_OK


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _health(health: Health | None) -> dict[str, Any] | None:
    if health is None:
        return None
    extraction = health.extraction
    last = health.last_blocked
    return {
        "polls": health.polls,
        "failed_share": round(health.failed_share, 3),
        "last_status": health.last_status,
        "entries_per_poll": round(health.entries_per_poll, 1),
        "median_body_chars": extraction.median_body_chars if extraction else None,
        "date_share": round(extraction.date_share, 3) if extraction else None,
        "author_share": round(extraction.author_share, 3) if extraction else None,
        "flag": health.flag,
        "pages": health.pages,
        "failed_pages_share": round(health.failed_pages_share, 3),
        "last_page_error": health.last_page_error,
        "failed_pages": health.failed_pages,
        "blocked_pages": health.blocked_pages,
        "last_blocked": {"url": last.url, "reason": last.reason} if last else None,
    }


def _failure(failure: PageFailure) -> dict[str, Any]:
    return {
        "url": failure.url,
        "kind": failure.kind,
        "error": failure.error,
        "status": failure.status,
        "attempts": failure.attempts,
        "first_failed": _iso(failure.first_failed),
        "next_try": _iso(failure.next_try),
    }


def _problem(
    state: SourceState, health: Health | None, failing: list[PageFailure] | None = None
) -> str | None:
    """What is wrong with the source now, the gravest first; None when it is ok."""
    if state.disabled:
        return f"DISABLED: {state.disabled}"
    if health is not None and health.flag:
        return f"FLAGGED: {health.flag}"
    if state.last_error:
        return f"FEED FAILING: {state.last_error}"
    if health is not None and health.pages_failing:
        return f"PAGES FAILING: {health.pages_failing}; last: {health.last_page_error}"
    if failing:
        last = max(failing, key=lambda f: f.last_failed)
        return f"PAGES NOT ARCHIVED: {len(failing)}; last: {last.url}: {last.error}"
    return None


def _source_status(
    source: Source,
    state: SourceState,
    health: Health | None = None,
    failing: list[PageFailure] | None = None,
) -> dict[str, Any]:
    moved = state.configured_feed == source.url and state.feed_url
    return {
        "name": source.name,
        "kind": source.kind,
        "url": state.feed_url if moved else source.url,
        "polled": state.last_poll is not None,
        "last_poll": _iso(state.last_poll),
        "last_success": _iso(state.last_success),
        "last_error": state.last_error,
        "consecutive_failures": state.failures,
        "next_poll": _iso(state.next_poll),
        "interval_seconds": state.interval or source.interval,
        "disabled": state.disabled,
        "articles": state.articles,
        "health": _health(health),
        "pages_failing": [_failure(f) for f in failing or ()],
        "problem": _problem(state, health, failing) if state.last_poll is not None else None,
    }


def collect_status(config: Config) -> dict[str, Any]:
    """Everything `status` shows, as plain data (the --json output)."""
    from scraper.store import index_exists, open_store
    from scraper.store.archive import ArchiveLock
    from scraper.store.base import SourceState
    from scraper.store.prune import archive_sizes

    root = config.archive.path
    pid = ArchiveLock(root).holder()
    result: dict[str, Any] = {
        "archive": str(root),
        "daemon": {"running": pid is not None, "pid": pid},
        "articles": 0,
        "sources": [],
    }
    if not index_exists(config):
        result["sources"] = [_source_status(s, SourceState(s.name)) for s in config.sources]
        return result
    store = open_store(config)
    try:
        result["articles"] = store.count_articles()
        result["sizes"] = archive_sizes(root)
        known = {state.name: state for state in store.source_states()}  # all in one read
        failing: dict[str, list[PageFailure]] = {}
        for failure in store.page_failures(limit=100_000):
            failing.setdefault(failure.source, []).append(failure)
        result["sources"] = [
            _source_status(
                s,
                known.get(s.name) or store.source_state(s.name),
                store.health(s.name),
                failing.get(s.name),
            )
            for s in config.sources
        ]
    finally:
        store.close()
    return result


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def render_status(status: dict[str, Any]) -> str:
    daemon = status["daemon"]
    lines = [
        f"archive: {status['archive']} ({status['articles']} articles)",
        f"daemon: {'running, pid ' + str(daemon['pid']) if daemon['running'] else 'not running'}",
        "size: "
        + ", ".join(f"{part} {_mb(size)}" for part, size in status.get("sizes", {}).items()),
        "",
        f"{'source':<20} {'articles':>8}  {'last success':<19} {'next poll':<19} "
        f"{'polls failed':>12} {'pages failed':>12} {'HTTP':>4}  health",
    ]
    for s in status["sources"]:
        if not s["polled"]:
            lines.append(f"{s['name']:<20.20} {0:>8}  {'never polled':<19}")
            continue
        health = s.get("health") or {}
        pages = f"{health['failed_pages_share']:.0%}" if health.get("pages") else "-"
        lines.append(
            f"{s['name']:<20.20} {s['articles']:>8}  {(s['last_success'] or '-')[:19]:<19} "
            f"{(s['next_poll'] or '-')[:19]:<19} {health.get('failed_share', 0):>12.0%} "
            f"{pages:>12} {health.get('last_status') or '-':>4}  {s['problem'] or 'ok'}"
        )
    failing = [(s["name"], f) for s in status["sources"] for f in s.get("pages_failing", ())]
    if failing:
        lines += ["", f"pages not archived yet ({len(failing)}), each tried again when due:"]
        for name, f in failing:
            lines.append(
                f"  {name}: {f['url']} {f['kind']}: {f['error'][:80]} "
                f"({f['attempts']} attempt(s), next {(f['next_try'] or '-')[:19]})"
            )
    return "\n".join(lines)

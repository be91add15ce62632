"""`scraper status`: each source's health and schedule, and whether the daemon runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scraper.archive import ArchiveLock
from scraper.config import Config
from scraper.models import Source
from scraper.store.base import SourceState
from scraper.store.sqlite import INDEX_NAME, SQLiteStore


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _source_status(source: Source, state: SourceState) -> dict[str, Any]:
    moved = state.configured_feed == source.feed and state.feed_url
    return {
        "name": source.name,
        "feed": state.feed_url if moved else source.feed,
        "polled": state.last_poll is not None,
        "last_poll": _iso(state.last_poll),
        "last_success": _iso(state.last_success),
        "last_error": state.last_error,
        "consecutive_failures": state.failures,
        "next_poll": _iso(state.next_poll),
        "interval_seconds": state.interval or source.interval,
        "disabled": state.disabled,
        "articles": state.articles,
    }


def collect_status(config: Config) -> dict[str, Any]:
    """Everything `status` shows, as plain data (the --json output)."""
    root = config.archive.path
    pid = ArchiveLock(root).holder()
    result: dict[str, Any] = {
        "archive": str(root),
        "daemon": {"running": pid is not None, "pid": pid},
        "articles": 0,
        "sources": [],
    }
    if not (root / INDEX_NAME).exists():
        result["sources"] = [_source_status(s, SourceState(s.name)) for s in config.sources]
        return result
    store = SQLiteStore(root)
    try:
        result["articles"] = store.count_articles()
        result["sources"] = [_source_status(s, store.source_state(s.name)) for s in config.sources]
    finally:
        store.close()
    return result


def render_status(status: dict[str, Any]) -> str:
    daemon = status["daemon"]
    lines = [
        f"archive: {status['archive']} ({status['articles']} articles)",
        f"daemon: {'running, pid ' + str(daemon['pid']) if daemon['running'] else 'not running'}",
        "",
        f"{'source':<20} {'articles':>8}  {'last success':<20} {'next poll':<20} last error",
    ]
    for s in status["sources"]:
        if not s["polled"]:
            lines.append(f"{s['name']:<20} {0:>8}  {'never polled':<20}")
            continue
        error = s["last_error"] or ""
        if s["disabled"]:
            error = f"DISABLED: {s['disabled']}"
        lines.append(
            f"{s['name']:<20.20} {s['articles']:>8}  {(s['last_success'] or '-')[:19]:<20} "
            f"{(s['next_poll'] or '-')[:19]:<20} {error[:80]}"
        )
    return "\n".join(lines)

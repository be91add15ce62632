"""A fetched page handed on for extraction, as JSON (a page job), and back.

The daemon's page queue journals these and the cluster's `extract` jobs carry them (procrastinate
keeps job arguments as JSON), so a page travels as its metadata and the place of its bytes: the
WARC record the fetching process wrote on the archive's (shared) volume, which the extracting
one reads back. Only a page recorded as a revisit (its payload lies in an earlier
record of maybe another file) or not recorded at all travels inline, compressed.
"""

from __future__ import annotations

import asyncio
import base64
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from scraper.errors import StorageError
from scraper.fetch.wire import decode_content
from scraper.models import Exchange, FeedEntry, WarcLocation
from scraper.store.warc import read_response


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def page_job(exchange: Exchange, entry: FeedEntry | str) -> dict[str, Any]:
    """The JSON-able arguments of the `extract` job for this page: a new page (its feed entry)
    or a revisit (the archived article's id)."""
    job: dict[str, Any] = {
        "url": exchange.url,
        "requested_url": exchange.requested_url,
        "status": exchange.status,
        "headers": exchange.headers,
        "fetched_at": exchange.fetched_at.isoformat(),
        "redirects": [list(hop) for hop in exchange.redirects],
        "warc_file": exchange.warc.file if exchange.warc else None,
        "warc_offset": exchange.warc.offset if exchange.warc else None,
    }
    if isinstance(entry, str):
        job["article"] = entry
    else:
        job["entry"] = entry.to_json()
    if exchange.warc is None or exchange.warc.revisit:
        job["content"] = base64.b64encode(zlib.compress(exchange.content, 1)).decode("ascii")
    return job


def page_of(job: dict[str, Any], root: Path, limit: int) -> tuple[FeedEntry | str, Exchange]:
    """The entry (or the revisited article's id) and the exchange, with its decoded bytes, an
    `extract` job names."""
    entry: FeedEntry | str = (
        FeedEntry.from_json(job["entry"]) if "entry" in job else str(job["article"])
    )
    headers = {str(k): str(v) for k, v in (job.get("headers") or {}).items()}
    if "content" in job:
        content = zlib.decompress(base64.b64decode(job["content"]))
    else:
        _, raw = read_response(root, job["warc_file"], int(job["warc_offset"]), limit)
        content = decode_content(raw, headers.get("content-encoding", ""), limit, job["url"])
    fetched_at = _parse(job.get("fetched_at"))
    if fetched_at is None:
        raise StorageError(f"extract job for {job['url']} has no fetch time")
    exchange = Exchange(
        url=job["url"],
        requested_url=job.get("requested_url") or job["url"],
        status=int(job["status"]),
        headers=headers,
        content=content,
        fetched_at=fetched_at,
        redirects=tuple((int(s), str(u)) for s, u in job.get("redirects") or ()),
        warc=WarcLocation.of(job.get("warc_file"), job.get("warc_offset")),
    )
    return entry, exchange


async def read_page(
    job: dict[str, Any], root: Path, limit: int
) -> tuple[FeedEntry | str, Exchange]:
    """`page_of` in a thread: reading WARC blocks."""
    return await asyncio.to_thread(page_of, job, root, limit)

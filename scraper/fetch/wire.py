"""What went over the wire: one exchange as WARC keeps it (the raw body, the headers as sent),
and its body as the pipeline reads it (decoded, under the size cap)."""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from scraper.errors import FetchError
from scraper.store.warc import HttpCapture


def decode_content(raw: bytes, encoding: str, limit: int, url: str) -> bytes:
    """Undo Content-Encoding, refusing output beyond `limit` bytes (decompression bombs)."""
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return raw
    if encoding not in {"gzip", "x-gzip", "deflate"}:
        raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        try:
            decoder = zlib.decompressobj(wbits)
            out = decoder.decompress(raw, limit + 1)
        except zlib.error:
            if encoding != "deflate":
                raise
            decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
            out = decoder.decompress(raw, limit + 1)
    except zlib.error as error:
        raise FetchError(url, f"invalid {encoding} body: {error}") from None
    if len(out) > limit or decoder.unconsumed_tail:
        raise FetchError(url, f"decompressed body exceeds the {limit:,}-byte limit (a bomb?)")
    return out


def body_of(status: int, raw: bytes, encoding: str, limit: int, url: str) -> bytes:
    """The decoded body the pipeline reads from an answer: none for a redirect (WARC keeps it),
    an error's page when it decodes (a block page says more than its status)."""
    if 300 <= status < 400:
        return b""
    if status >= 400:
        with contextlib.suppress(FetchError):
            return decode_content(raw, encoding, limit, url)
        return b""
    return decode_content(raw, encoding, limit, url)


def capture_of(
    response: httpx.Response,
    raw: bytes,
    fetched_at: datetime,
    recorded: Callable[[list[tuple[str, str]]], list[tuple[str, str]]],
) -> HttpCapture:
    """The exchange as WARC records it: `raw`, the body still content-encoded, and the request
    headers as sent, through `recorded` (which redacts secrets)."""
    return HttpCapture(
        url=str(response.request.url),
        method="GET",
        target=response.request.url.raw_path.decode("ascii", "replace"),
        request_headers=recorded(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw]
        ),
        http_version=response.http_version,
        status=response.status_code,
        reason=response.reason_phrase,
        response_headers=[
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
        ],
        payload=raw,
        fetched_at=fetched_at,
        ip=_server_ip(response),
    )


def _server_ip(response: httpx.Response) -> str | None:
    stream: Any = response.extensions.get("network_stream")
    try:
        address = stream.get_extra_info("server_addr") if stream is not None else None
    except Exception:  # noqa: BLE001 - only informative
        return None
    return str(address[0]) if address else None

"""The fetch layer: every HTTP request the tool makes goes through `Fetcher.fetch`.

It is polite (robots.txt, per-host limits, Retry-After, conditional GET), defensive (SSRF guard,
size and decompression caps, timeouts, redirect bounds) and faithful (every exchange is written to
WARC and to the fetch log). It knows nothing of feeds or articles.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import random
import ssl
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from scraper.clock import utcnow
from scraper.config.access import CookieFiles, redact
from scraper.config.settings import HttpSettings
from scraper.errors import (
    BlockedError,
    FetchError,
    GoneError,
    HTTPStatusError,
    RetryLaterError,
    TransientFetchError,
)
from scraper.fetch.budget import BodyBudget
from scraper.fetch.netguard import BlockedAddress
from scraper.fetch.politeness import HostLimiter
from scraper.fetch.robots import RobotsPolicy
from scraper.fetch.transport import PROXY_EXTENSION, PerHostTransport
from scraper.fetch.wire import body_of, capture_of
from scraper.models import Exchange, Source, WarcLocation
from scraper.store.base import FetchRecord, HostHold, Store
from scraper.store.warc import HttpCapture, WarcWriterPool
from scraper.urls import host_of

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
ACCEPT = {
    "feed": "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    "robots": "text/plain, */*;q=0.5",
    "asset": "*/*",  # what a rendered page's scripts and styles ask for
}
MAX_RETRY_AFTER = timedelta(days=7)
# The source a request is made for (its headers, cookies and proxy), as a context: the robots.txt
# fetch a page's admission makes inside `fetch` goes out with the page's source's access too.
_FOR_SOURCE: contextvars.ContextVar[Source | None] = contextvars.ContextVar(
    "scraper_fetch_source", default=None
)


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When a Retry-After header (seconds or an HTTP date) says we may ask again."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + min(timedelta(seconds=int(value)), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when, now), now + MAX_RETRY_AFTER)


class Fetcher:
    """Polite, guarded HTTP GETs with WARC capture; use as an async context manager."""

    def __init__(
        self,
        settings: HttpSettings,
        store: Store,
        warc: WarcWriterPool | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        limiter: HostLimiter | None = None,
        address_policy: Callable[[str], bool] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._ssl_context = ssl_context  # None: the system's trusted CAs (certifi)
        self.store = store
        self.warc = warc
        self.clock = clock
        self.limiter = limiter or HostLimiter(
            settings.per_host_concurrency, settings.per_host_delay, settings.max_concurrency
        )
        self.robots = RobotsPolicy(
            store, self._fetch_robots, settings.user_agent, settings.robots_ttl, clock
        )
        self._address_policy = address_policy
        self._client: httpx.AsyncClient | None = None
        self._crawl_delays: dict[str, float] = {}
        self._bodies = BodyBudget.for_limit(settings.max_body_size)
        self._cookie_files = CookieFiles()

    async def __aenter__(self) -> Fetcher:
        transport = PerHostTransport(
            self.settings.per_host_concurrency,
            self.settings.allow_private_addresses,
            self._address_policy,
            self._ssl_context,
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(
                self.settings.timeout,
                connect=self.settings.connect_timeout,
                read=self.settings.read_timeout,
            ),
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public ----------------------------------------------------------------------------
    async def fetch(
        self,
        url: str,
        *,
        source: str | Source | None = None,
        kind: str = "page",
        conditional: bool = False,
        force: bool = False,
        delay: float | None = None,
    ) -> Exchange:
        """GET `url`, following redirects; a 304 comes back as an Exchange with status 304.

        A conditional fetch does not remember the answer's validators: the caller does
        (`remember_validators`) once it has kept what the answer holds. Remembered at once, a
        feed whose pages were lost to a crash would answer 304 and never list them again.

        Given a `Source`, the request (and the robots.txt fetch it may need) carries the
        source's headers and cookies and goes through its proxy.
        Raises a `FetchError` subclass for anything else than a usable answer.
        """
        if not isinstance(source, Source):
            return await self._fetch(url, source, kind, conditional, force, delay)
        token = _FOR_SOURCE.set(source)
        try:
            return await self._fetch(url, source.name, kind, conditional, force, delay)
        finally:
            _FOR_SOURCE.reset(token)

    async def _fetch(
        self,
        url: str,
        source: str | None,
        kind: str,
        conditional: bool,
        force: bool,
        delay: float | None,
    ) -> Exchange:
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            await self._admit(current, kind=kind, force=force)
            headers = self._conditional_headers(url) if conditional and not hops else {}
            headers["Accept"] = ACCEPT.get(kind, ACCEPT["page"])
            headers.update(self._access_headers(current))
            exchange = await self._get_with_retries(current, url, headers, source, kind, delay)
            if exchange.status in REDIRECTS and "location" in exchange.headers:
                target = urljoin(current, exchange.headers["location"].strip())
                hops.append((exchange.status, target))
                if target in seen:
                    raise FetchError(url, f"redirect loop at {target}")
                seen.add(target)
                current = target
                continue
            return self._finish(exchange, url, hops, remember=not conditional)
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects")

    # -- steps -----------------------------------------------------------------------------
    async def _admit(self, url: str, *, kind: str, force: bool) -> None:
        """Refuse URLs we must not request now: bad scheme, a host on hold, robots.txt."""
        if urlsplit(url).scheme not in {"http", "https"}:
            raise BlockedError(url, "only http and https URLs are fetched")
        host = host_of(url)
        hold = self.store.get_host_hold(host)
        if hold is not None and hold.until > self.clock() and not force:
            raise RetryLaterError(url, hold.until, f"{host} asked us to wait ({hold.reason})")
        if self.settings.obey_robots and kind != "robots":
            answer = await self.robots.check(url)
            if not answer.allowed:
                raise BlockedError(url, "disallowed by robots.txt")
            if answer.crawl_delay:
                self._crawl_delays[host] = answer.crawl_delay

    def _access_headers(self, url: str) -> dict[str, str]:
        """The configured headers and cookies a request to `url` carries (its source's, or
        `[http]`'s when it is made for no source)."""
        access: Source | HttpSettings = _FOR_SOURCE.get() or self.settings
        headers = dict(access.headers)
        cookie = self._cookie_files.header(access.cookies, url)
        if cookie:
            headers["Cookie"] = cookie
        return headers

    def _proxy(self) -> str | None:
        access: Source | HttpSettings = _FOR_SOURCE.get() or self.settings
        return access.proxy

    def _conditional_headers(self, url: str) -> dict[str, str]:
        etag, last_modified = self.store.get_validators(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    async def _get_with_retries(
        self,
        url: str,
        original: str,
        headers: dict[str, str],
        source: str | None,
        kind: str,
        delay: float | None,
    ) -> Exchange:
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                exchange = await self._get_once(url, original, headers, source, kind, delay)
            except TransientFetchError:
                if attempt + 1 >= attempts:
                    raise
            else:
                retryable = exchange.status >= 500 and exchange.status != 501
                if not retryable or "retry-after" in exchange.headers or attempt + 1 >= attempts:
                    return exchange
            pause = self.settings.backoff * (2**attempt) * random.uniform(0.5, 1.5)
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def _get_once(
        self,
        url: str,
        original: str,
        headers: dict[str, str],
        source: str | None,
        kind: str,
        delay: float | None,
    ) -> Exchange:
        assert self._client is not None, "use the Fetcher as an async context manager"
        host = host_of(url)
        gap = max(
            delay if delay is not None else self.settings.per_host_delay,
            self._crawl_delays.get(host, 0.0),
        )
        fetched_at = self.clock()
        try:
            async with self.limiter.slot(host, gap) as sent:
                fetched_at = self.clock()
                async with asyncio.timeout(self.settings.timeout):
                    capture, content = await self._stream(url, headers, fetched_at, sent)
        except FetchError as error:
            self._log(url, source, kind, fetched_at, None, error.reason)
            raise
        except BlockedAddress as error:
            self._log(url, source, kind, fetched_at, None, str(error))
            raise BlockedError(url, str(error)) from None
        except (TimeoutError, httpx.TimeoutException):
            reason = f"timed out (limit {self.settings.timeout:g}s)"
            self._log(url, source, kind, fetched_at, None, reason)
            raise TransientFetchError(url, reason) from None
        except httpx.HTTPError as error:
            reason = _describe(error)
            self._log(url, source, kind, fetched_at, None, reason)
            if isinstance(error, httpx.TransportError):
                raise TransientFetchError(url, reason) from None
            raise FetchError(url, reason) from None
        # fsync blocks; a thread keeps the event loop (and every other host) moving meanwhile.
        location = await asyncio.to_thread(self.warc.write, capture) if self.warc else None
        self._log(
            url,
            source,
            kind,
            fetched_at,
            capture.status,
            None,
            size=len(capture.payload),
            warc=location,
        )
        return Exchange(
            url=url,
            requested_url=original,
            status=capture.status,
            headers={k.lower(): v for k, v in capture.response_headers},
            content=content,
            fetched_at=fetched_at,
            warc=location,
        )

    async def _stream(
        self, url: str, headers: dict[str, str], fetched_at: datetime, sent: Callable[[], None]
    ) -> tuple[HttpCapture, bytes]:
        """One GET on the wire: raw body read under the size cap, then decoded under the cap.

        `sent` is called the moment the request headers are on the wire: the host's minimum
        gap is counted from then, not from when the slot was granted.
        """
        assert self._client is not None
        limit = self.settings.max_body_size

        async def trace(event: str, info: dict[str, object]) -> None:
            if event.endswith("send_request_headers.complete"):
                sent()

        extensions: dict[str, Any] = {"trace": trace}
        proxy = self._proxy()
        if proxy:
            extensions[PROXY_EXTENSION] = proxy
        async with self._client.stream(
            "GET", url, headers=headers, extensions=extensions
        ) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    url, f"body of {int(declared):,} bytes exceeds the {limit:,}-byte limit"
                )
            raw = await self._read_raw(response, url, limit)
            capture = capture_of(response, raw, fetched_at, self._recorded)
            encoding = response.headers.get("content-encoding", "")
        return capture, body_of(response.status_code, raw, encoding, limit, url)

    async def _read_raw(self, response: httpx.Response, url: str, limit: int) -> bytes:
        """The body as sent (still content-encoded), refused past `limit` bytes or while other
        bodies hold the memory budget."""
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_raw():
                if size + len(chunk) > limit:
                    raise FetchError(url, f"body exceeds the {limit:,}-byte limit")
                if not self._bodies.take(size, len(chunk)):
                    held = self._bodies.held
                    reason = f"body past {size:,} bytes while {held:,} bytes of other bodies"
                    raise TransientFetchError(url, f"{reason} are held; tried again later")
                size += len(chunk)
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            self._bodies.give_back(size)
            chunks.clear()

    def remember_validators(self, exchange: Exchange) -> None:
        """Keep a successful answer's validators for the next conditional fetch of its URL."""
        if not 200 <= exchange.status < 300:
            return
        validators = (exchange.headers.get("etag"), exchange.headers.get("last-modified"))
        if self.store.get_validators(exchange.requested_url) != validators:
            self.store.set_validators(exchange.requested_url, *validators)

    def _recorded(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Request headers as WARC keeps them: secrets redacted unless the user asks not."""
        return redact(headers) if self.settings.redact else headers

    def _finish(
        self,
        exchange: Exchange,
        url: str,
        hops: list[tuple[int, str]],
        *,
        remember: bool = True,
    ) -> Exchange:
        status = exchange.status
        exchange = Exchange(
            url=exchange.url,
            requested_url=url,
            status=status,
            headers=exchange.headers,
            content=exchange.content,
            fetched_at=exchange.fetched_at,
            redirects=tuple(hops),
            warc=exchange.warc,
        )
        if status in {429, 503} or (status >= 500 and "retry-after" in exchange.headers):
            now = self.clock()
            until = parse_retry_after(exchange.headers.get("retry-after"), now)
            until = until or now + timedelta(seconds=max(60.0, self.settings.backoff * 30))
            host = host_of(exchange.url)
            self.store.set_host_hold(HostHold(host, until, f"HTTP {status}"))
            raise RetryLaterError(
                url,
                until,
                f"HTTP {status} from {host}",
                status=status,
                content=exchange.content,
                content_type=exchange.headers.get("content-type"),
            )
        if status == 410:
            raise GoneError(url, "HTTP 410 Gone: the server says it is gone for good")
        if status == 304:
            return exchange
        if status >= 400:
            raise HTTPStatusError(
                url,
                status,
                f"HTTP {status}",
                content=exchange.content,
                content_type=exchange.headers.get("content-type"),
            )
        if status in REDIRECTS:
            raise FetchError(url, f"HTTP {status} redirect without a Location")
        if 200 <= status < 300 and remember:
            # Remembered on every plain fetch, sent only on conditional ones (feed polls,
            # revisits), whose callers remember them once they have kept the answer.
            validators = (exchange.headers.get("etag"), exchange.headers.get("last-modified"))
            if any(validators) and self.store.get_validators(url) != validators:
                self.store.set_validators(url, *validators)
        return exchange

    async def _fetch_robots(self, url: str) -> tuple[int, str, str | None]:
        try:
            exchange = await self.fetch(url, kind="robots", force=True)
        except HTTPStatusError as error:
            return error.status, "", error.reason
        except GoneError:
            return 410, "", None
        except RetryLaterError as error:
            return 503, "", error.reason
        except BlockedError:
            raise  # a URL we may never fetch: no robots.txt will change that
        except FetchError as error:
            return 0, "", error.reason
        return exchange.status, exchange.content.decode("utf-8", errors="replace"), None

    def _log(
        self,
        url: str,
        source: str | None,
        kind: str,
        fetched_at: datetime,
        status: int | None,
        error: str | None,
        *,
        size: int = 0,
        warc: WarcLocation | None = None,
    ) -> None:
        self.store.log_fetch(
            FetchRecord(
                url=url,
                source=source,
                fetched_at=fetched_at,
                status=status,
                error=error,
                size=size,
                kind=kind,
                warc=warc,
            )
        )


def _describe(error: httpx.HTTPError) -> str:
    """A short reason a person understands, for a transport-level failure."""
    text = str(error).strip() or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {text}"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return f"connection broken: {text}"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL: {text}"
    return text

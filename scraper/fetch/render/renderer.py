"""A fetched page turned into the document to extract: as the browser renders it, when its source
renders (`render = "always"`, or `"auto"` and the page looks like a JavaScript shell).

The browser never touches the network itself. Its navigation is answered with the page plain
HTTP fetched (that exchange is in WARC already), and each of its sub-requests goes through the
fetcher: robots.txt, politeness, the SSRF guard, the source's headers, cookies and proxy apply,
and every exchange is written to WARC. Anything the interception cannot see (a WebSocket, a
connection of the browser's own) meets a proxy that does not exist.

The rendered HTML is recorded as a WARC `conversion` record and a screenshot as a `resource`
record; a page that cannot be rendered is archived as plain HTTP gave it, with one log line
naming its source, and a `render` row in the fetch log saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from scraper.config.settings import BrowserSettings
from scraper.errors import BlockedError, FetchError, RenderError
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.render.browser import BrowserPool
from scraper.fetch.render.shell import looks_like_js_shell
from scraper.files import atomic_write
from scraper.logs import event
from scraper.models import Exchange, Source, WarcLocation
from scraper.store.base import RENDER_KIND, SCREENSHOT_KIND, FetchRecord
from scraper.store.tree import SCREENSHOT_FILE

log = logging.getLogger("scraper.render")

IDLE_WAIT = 5.0  # seconds, at most, waited after `load` for the page's requests to settle
VIEWPORT = {"width": 1280, "height": 1000}
# Loads a page's text does not need: skipped unless a screenshot shows them.
PICTURES = {"image", "media", "font"}
# Response headers that described the bytes on the wire, not the decoded body handed over.
_WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}
MAX_PENDING_SCREENSHOTS = 64  # kept until their article's folder is written


def screenshot_uri(url: str) -> str:
    """The WARC-Target-URI of a page's screenshot (the page's own URI names its HTML)."""
    return f"urn:screenshot:{url}"


class PageRenderer:
    """Renders pages of the sources that ask for it; use as an async context manager."""

    def __init__(
        self, fetcher: Fetcher, settings: BrowserSettings, *, pool: BrowserPool | None = None
    ) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.pool = pool or BrowserPool(settings)
        self.rendered = 0
        self.failed = 0
        self._warned: set[tuple[str, str]] = set()
        self._screenshots: dict[str, bytes] = {}  # by page URL, until its folder is written

    async def __aenter__(self) -> PageRenderer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.pool.close()

    def wants(self, source: Source, exchange: Exchange) -> bool:
        """Whether this page of this source is to be rendered."""
        if source.render == "always":
            return True
        return source.render == "auto" and looks_like_js_shell(exchange.content)

    async def document(self, source: Source, exchange: Exchange) -> Exchange:
        """The page to extract: rendered when its source renders it, else (or when rendering
        fails) as plain HTTP gave it."""
        if not self.wants(source, exchange):
            return exchange
        try:
            html, screenshot = await self._attempts(source, exchange)
        except RenderError as error:
            self._not_rendered(source, exchange, str(error), setup=error.setup)
            return exchange
        when = self.fetcher.clock()
        location = None
        warc = self.fetcher.warc
        if warc is not None:
            # The HTML a browser made of the response: a `conversion`, which replay tools do
            # not serve in place of the response itself.
            location = await asyncio.to_thread(
                warc.write_resource,
                exchange.url,
                html,
                "text/html; charset=utf-8",
                when,
                record_type="conversion",
            )
            if screenshot is not None:
                shot_at = await asyncio.to_thread(
                    warc.write_resource,
                    screenshot_uri(exchange.url),
                    screenshot,
                    "image/png",
                    when,
                    refers_to=exchange.url,
                )
                self._log_record(exchange.url, source, when, SCREENSHOT_KIND, shot_at, screenshot)
        if screenshot is not None:
            self._keep_screenshot(exchange.requested_url, screenshot)
        self.rendered += 1
        self._log_record(exchange.url, source, when, RENDER_KIND, location, html)
        headers = {**exchange.headers, "content-type": "text/html; charset=utf-8"}
        return replace(exchange, content=html, headers=headers)

    def _log_record(
        self,
        url: str,
        source: Source,
        when: datetime,
        kind: str,
        location: WarcLocation | None,
        payload: bytes,
    ) -> None:
        """A fetch-log row naming a record made here: how an export finds it again."""
        self.fetcher.store.log_fetch(
            FetchRecord(
                url=url,
                source=source.name,
                fetched_at=when,
                status=200,
                size=len(payload),
                kind=kind,
                warc=location,
            )
        )

    def place_screenshot(self, folder: Path, url: str) -> bool:
        """Write the screenshot taken of `url` (if any) into its article's folder."""
        shot = self._screenshots.pop(url, None)
        if shot is None:
            return False
        atomic_write(folder / SCREENSHOT_FILE, shot)
        return True

    def _keep_screenshot(self, url: str, shot: bytes) -> None:
        self._screenshots[url] = shot
        while len(self._screenshots) > MAX_PENDING_SCREENSHOTS:
            self._screenshots.pop(next(iter(self._screenshots)))

    def _not_rendered(
        self, source: Source, exchange: Exchange, reason: str, *, setup: bool = False
    ) -> None:
        """One readable line per source and reason (a missing browser fails every page alike),
        shown even without -v when the install lacks something; the fetch log keeps a row per
        page."""
        self.failed += 1
        first = logging.ERROR if setup else logging.WARNING
        level = logging.DEBUG if (source.name, reason) in self._warned else first
        self._warned.add((source.name, reason))
        message = (
            f"not rendered: {reason}; archived as plain HTTP gave it, rendered again at its "
            "next revisit"
        )
        event(log, level, source.name, exchange.url, message)
        self.fetcher.store.log_fetch(
            FetchRecord(
                url=exchange.url,
                source=source.name,
                fetched_at=self.fetcher.clock(),
                status=None,
                error=f"not rendered: {reason}",
                kind=RENDER_KIND,
            )
        )

    async def _attempts(self, source: Source, exchange: Exchange) -> tuple[bytes, bytes | None]:
        """Render; a page whose browser died under it (a crash, a kill) is tried once more in a
        fresh one, so one crash costs no page."""
        try:
            return await self._render(source, exchange)
        except RenderError as error:
            if error.setup or self.pool.alive():
                raise
            log.info("browser died while rendering %s; trying it in a fresh one", exchange.url)
        return await self._render(source, exchange)

    async def _render(self, source: Source, exchange: Exchange) -> tuple[bytes, bytes | None]:
        """The page's HTML as the browser leaves it, and its screenshot when the source asks."""
        limit = self.settings.timeout
        options: dict[str, Any] = {
            "user_agent": self.fetcher.settings.user_agent,
            "viewport": VIEWPORT,
            "service_workers": "block",  # a worker's fetches would escape the routing
            "accept_downloads": False,
        }
        try:
            async with self.pool.page(limit, **options) as page:
                await page.context.route("**/*", self._router(source, exchange))
                await page.context.route_web_socket(re.compile(".*"), _refuse_socket)
                return await self._load(page, exchange.url, source.screenshot, limit)
        except TimeoutError:
            raise RenderError(
                f"rendering took longer than {limit:g}s ([browser] timeout)"
            ) from None

    @staticmethod
    async def _load(
        page: Any, url: str, screenshot: bool, limit: float
    ) -> tuple[bytes, bytes | None]:
        try:
            await page.goto(url, wait_until="load", timeout=limit * 1000)
            with contextlib.suppress(Exception):  # a page that keeps polling never goes idle
                await page.wait_for_load_state("networkidle", timeout=IDLE_WAIT * 1000)
            html = (await page.content()).encode("utf-8")
            shot = await page.screenshot(full_page=True, type="png") if screenshot else None
        except Exception as error:  # noqa: BLE001 - Playwright raises its own Error and TimeoutError
            raise RenderError(_describe(error)) from None
        return html, shot

    def _router(self, source: Source, exchange: Exchange) -> Any:
        """The browser's network: the page from its plain fetch, the rest through the fetcher."""
        served = False

        async def route(route: Any, request: Any) -> None:
            nonlocal served
            try:
                main = request.is_navigation_request() and request.frame.parent_frame is None
                if main and not served:
                    served = True
                    await _answer(route, exchange)
                    return
                if request.method != "GET":
                    await route.abort("blockedbyclient")  # we archive; we never post
                    return
                if request.resource_type in PICTURES and not source.screenshot:
                    await route.abort("blockedbyclient")
                    return
                try:
                    answer = await self.fetcher.fetch(
                        request.url, source=source, kind="asset", delay=source.delay
                    )
                except BlockedError:
                    await route.abort("blockedbyclient")
                    return
                except FetchError:
                    await route.abort("failed")
                    return
                await _answer(route, answer)
            except Exception as error:  # noqa: BLE001 - the page closed meanwhile (a time-out)
                log.debug("route for %s dropped: %s", request.url, _describe(error))

        return route


async def _refuse_socket(socket: Any) -> None:
    """A WebSocket is never connected: not connecting to the server leaves it unanswered."""


async def _answer(route: Any, exchange: Exchange) -> None:
    """Hand the browser a fetched exchange (its body decoded already)."""
    headers = {k: v for k, v in exchange.headers.items() if k.lower() not in _WIRE_HEADERS}
    await route.fulfill(status=exchange.status, headers=headers, body=exchange.content)


def _describe(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = lines[0] if lines else type(error).__name__
    if "Target page, context or browser has been closed" in text or "crash" in text.lower():
        return f"the browser crashed ({text})"
    return text

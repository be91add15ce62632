"""One headless Chromium shared by a pool of pages, launched when first needed.

The browser is the system's (Debian's `chromium`), driven by Playwright; nothing is downloaded.
It is launched again when it dies, and when it grows past a memory bound (once no page is open),
so a long-running daemon never carries a bloated browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from scraper.config.settings import BrowserSettings
from scraper.errors import RenderError
from scraper.fetch.render.memory import browser_memory

log = logging.getLogger("scraper.render")

INSTALL_BROWSER = "install Chromium: sudo apt-get install chromium"
INSTALL_PLAYWRIGHT = "install Playwright: .venv/bin/pip install 'scraper[render]'"
# Bytes (PSS) of the browser's processes past which it is launched afresh, once no page is open.
MEMORY_BOUND = 1_000_000_000
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Flags for a closed, quiet, unattended browser: no sandbox (containers), no GPU, no QUIC, and
# none of the background traffic (updates, sync, safe browsing) that is not ours to make.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Every load is answered through the interception (and our fetcher); anything else the
    # browser would send (a WebSocket, a prefetch) meets a proxy nobody listens on.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def find_browser(configured: str | None) -> str:
    """The browser executable to run: the configured one, else the system's Chromium."""
    if configured:
        found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
        if not found:
            raise RenderError(
                f"no browser at {configured} ([browser] executable); {INSTALL_BROWSER}",
                setup=True,
            )
        return found
    for candidate in (*CANDIDATES, shutil.which("chromium") or ""):
        if candidate and Path(candidate).is_file():
            return candidate
    raise RenderError(f"no browser installed; {INSTALL_BROWSER}", setup=True)


class BrowserPool:
    """Pages of one browser process, at most `settings.pages` open at once."""

    def __init__(self, settings: BrowserSettings, memory_bound: int = MEMORY_BOUND) -> None:
        self.settings = settings
        self.memory_bound = memory_bound
        self.launches = 0  # browsers started (the bench checks "auto" starts none)
        self.peak_memory = 0  # the most its processes held (PSS), measured after each page
        self._slots = asyncio.Semaphore(settings.pages)
        self._lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._open = 0
        self._bloated = False
        self._executable: str | None = None

    async def _ensure(self) -> Any:
        """The running browser, launched (again) if there is none or it must be replaced,
        counted as used by one more page (under the lock: no restart while a page is open)."""
        async with self._lock:
            browser = await self._running()
            self._open += 1
            return browser

    async def _running(self) -> Any:
        if self._browser is not None and self._bloated and self._open == 0:
            log.info("browser restarted: past %d MB", self.memory_bound // 1_000_000)
            await self._close_browser()
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self._browser = None
        self._executable = find_browser(self.settings.executable)
        if self._playwright is None:
            try:
                from playwright.async_api import async_playwright
            except ImportError:
                raise RenderError(
                    f"Playwright is not installed; {INSTALL_PLAYWRIGHT}", setup=True
                ) from None
            self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self._executable,
                args=list(FLAGS),
                headless=True,
                timeout=self.settings.timeout * 1000,
                # The runner handles signals: a Ctrl-C stops it, which closes the browser.
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
        except Exception as error:  # noqa: BLE001 - Playwright's errors carry its log
            raise RenderError(f"{self._executable} did not start: {_first_line(error)}") from None
        self._bloated = False
        self.launches += 1
        return self._browser

    @asynccontextmanager
    async def page(self, timeout: float, **context_options: Any) -> AsyncIterator[Any]:
        """A fresh page in its own browser context (no cookies or cache shared between pages),
        closed on exit. `timeout` seconds bound its use (a `TimeoutError`), counted from when
        it is given, not while it waits for a free one."""
        async with self._slots, asyncio.timeout(timeout):
            context = await self._context(context_options)
            try:
                yield await context.new_page()
            finally:
                self._open -= 1
                with contextlib.suppress(Exception):  # a dead browser is gone either way
                    await context.close()
                self._measure()

    def alive(self) -> bool:
        """Whether the browser is running (False once it has crashed or been killed)."""
        return self._browser is not None and self._browser.is_connected()

    async def _context(self, options: dict[str, Any]) -> Any:
        """A new browser context; a browser found dead (killed, crashed) is launched again."""
        for attempt in range(2):
            browser = await self._ensure()
            try:
                return await browser.new_context(**options)
            except Exception as error:  # noqa: BLE001 - Playwright's error for a dead browser
                self._open -= 1
                if attempt:
                    raise RenderError(f"the browser crashed: {_first_line(error)}") from None
                log.warning("browser found dead (%s); launching it again", _first_line(error))
                async with self._lock:
                    await self._close_browser()
        raise AssertionError("unreachable")

    def _measure(self) -> None:
        if self._executable is None:
            return
        held = browser_memory(self._executable)
        self.peak_memory = max(self.peak_memory, held)
        if held > self.memory_bound:
            self._bloated = True

    async def _close_browser(self) -> None:
        if self._browser is not None:
            with contextlib.suppress(Exception):  # a dead browser is gone either way
                await self._browser.close()
        self._browser = None

    async def close(self) -> None:
        """Close the browser and Playwright's driver."""
        async with self._lock:
            await self._close_browser()
            if self._playwright is not None:
                with contextlib.suppress(Exception):  # a dead browser is gone either way
                    await self._playwright.stop()
                self._playwright = None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

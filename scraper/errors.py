"""One family of errors: every message a user reads comes from one of these.

Callers catch the level they care about (a `FetchError` for one URL, any `ScraperError` at the
CLI), and `str(error)` is always one readable line.
"""

from __future__ import annotations

from datetime import datetime


class ScraperError(Exception):
    """Base of every error the tool reports to a user."""


class ConfigError(ScraperError):
    """The config file is missing, unreadable or wrong; the message names the file and key."""


class StorageError(ScraperError):
    """The archive could not be read or written (disk full, corrupt index, locked)."""


class NoArchiveError(StorageError):
    """The config's index does not exist yet (nothing was fetched)."""


class ParseError(ScraperError):
    """Input (a feed, a page) could not be understood."""


class FetchError(ScraperError):
    """A URL could not be fetched; `transient` errors are worth retrying. `kind` is how a page's
    failure is filed (source health, `status`, `verify`): fetch, blocked or extraction."""

    transient = False
    kind = "fetch"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.reason = reason


class TransientFetchError(FetchError):
    """A timeout, a reset connection or a 5xx: it may work if tried again later."""

    transient = True


class HTTPStatusError(FetchError):
    """The server answered with an error status; `content` is the page it sent with it (a
    block page says more than its status)."""

    def __init__(
        self,
        url: str,
        status: int,
        reason: str | None = None,
        *,
        content: bytes = b"",
        content_type: str | None = None,
    ) -> None:
        super().__init__(url, reason or f"HTTP {status}")
        self.status = status
        self.transient = status >= 500 and status != 501
        self.content = content
        self.content_type = content_type


class RetryLaterError(FetchError):
    """The host asked us (429/503 + Retry-After) or our own backoff says: not before `until`."""

    def __init__(
        self,
        url: str,
        until: datetime,
        reason: str,
        status: int | None = None,
        *,
        content: bytes = b"",
        content_type: str | None = None,
    ) -> None:
        super().__init__(url, f"{reason}; next try after {until.isoformat(timespec='seconds')}")
        self.until = until
        self.status = status
        self.content = content
        self.content_type = content_type


class BlockedError(FetchError):
    """We refuse to fetch this URL: robots.txt, a private address, a scheme we don't speak."""


class ExtractionError(FetchError):
    """A page was fetched but no article body could be read from it: it is tried again later."""

    kind = "extraction"


class BlockedPageError(FetchError):
    """The site answered with a block or stub page instead of the article (a bot challenge,
    "Access denied", a JavaScript shell, a rate-limit page, a consent wall, a paywall teaser).

    Not `BlockedError` (we chose not to fetch): the page failed, and is worth trying again.
    """

    kind = "blocked"
    transient = True

    def __init__(self, url: str, what: str, status: int | None = None) -> None:
        super().__init__(url, f"blocked: {what}")
        self.status = status


class GoneError(FetchError):
    """410 Gone: the resource is gone for good."""


class RenderError(ScraperError):
    """A page could not be rendered in the browser (none installed, a crash, a time-out); the
    page is archived as plain HTTP gave it. `setup`: the install lacks something (a browser,
    Playwright) that only the user can add, so every page will fail alike until then."""

    def __init__(self, reason: str, *, setup: bool = False) -> None:
        super().__init__(reason)
        self.setup = setup

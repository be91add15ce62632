"""Access to what a source's pages need: extra headers, a subscriber's cookies, a proxy.

A source (or `[http]`, for all of them) may name these; the fetcher adds them to every request
made for the source (robots.txt, its listing, its pages) and the browser's loads go through the
same fetcher. They are secrets: never logged, and redacted in WARC request records.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scraper.errors import ConfigError

SECRET_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Cookie:
    """One line of a Netscape cookies.txt."""

    domain: str  # without the leading dot
    subdomains: bool
    path: str
    secure: bool
    expires: int  # Unix time; 0: a session cookie (kept)
    name: str
    value: str

    def matches(self, url: str, now: float) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self.expires and self.expires < now:
            return False
        if self.secure and parts.scheme != "https":
            return False
        if host != self.domain and not (self.subdomains and host.endswith("." + self.domain)):
            return False
        path = parts.path or "/"
        return path.startswith(self.path) or self.path in ("", "/")


def parse_cookies_txt(text: str, label: str = "cookies.txt") -> tuple[Cookie, ...]:
    """Read a Netscape cookies.txt (as curl and browser extensions write it).

    `#HttpOnly_` lines are cookies (curl marks HTTP-only ones so); other `#` lines are comments.
    """
    cookies = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if line.startswith("#HttpOnly_"):
            line = line[len("#HttpOnly_") :]
        elif not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise ValueError(
                f"{label}: line {number}: expected 7 tab-separated fields "
                "(domain, subdomains, path, secure, expiry, name, value)"
            )
        domain, subdomains, path, secure, expires, name, value = fields
        try:
            expiry = int(expires or 0)
        except ValueError:
            raise ValueError(f"{label}: line {number}: the expiry is not a number") from None
        cookies.append(
            Cookie(
                domain=domain.lstrip(".").lower(),
                subdomains=subdomains.upper() == "TRUE" or domain.startswith("."),
                path=path or "/",
                secure=secure.upper() == "TRUE",
                expires=expiry,
                name=name,
                value=value,
            )
        )
    return tuple(cookies)


def load_cookies(path: Path) -> tuple[Cookie, ...]:
    """A cookies file's cookies; a `ConfigError` (naming the file, never a value) otherwise."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the cookies file: {error.strerror}") from None
    try:
        return parse_cookies_txt(text, str(path))
    except ValueError as error:
        raise ConfigError(str(error)) from None


class CookieFiles:
    """Cookie files read once and again when they change (a user exports fresh cookies)."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[float, tuple[Cookie, ...]]] = {}

    def cookies(self, path: Path) -> tuple[Cookie, ...]:
        try:
            stamp = os.stat(path).st_mtime
        except OSError:
            stamp = -1.0
        cached = self._cache.get(path)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_cookies(path))
            self._cache[path] = cached
        return cached[1]

    def header(self, path: Path | None, url: str) -> str | None:
        """The Cookie header a request to `url` carries, or None."""
        if path is None:
            return None
        now = time.time()
        pairs = [f"{c.name}={c.value}" for c in self.cookies(path) if c.matches(url, now)]
        return "; ".join(pairs) or None


def redact(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Request headers as a WARC record may keep them: secret values replaced."""
    return [(k, REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers]


def header_pairs(value: object) -> tuple[tuple[str, str], ...]:
    """A TOML inline table of headers, checked: names are tokens, values single lines."""
    if not isinstance(value, dict):
        raise ValueError('expected a table like { Authorization = "Bearer ..." }')
    pairs: list[tuple[str, str]] = []
    for name, text in value.items():
        if not name or any(c in name for c in ' \t\r\n:()<>@,;\\"/[]?={}'):
            raise ValueError(f"{name!r} is not an HTTP header name")
        if not isinstance(text, str) or "\n" in text or "\r" in text:
            raise ValueError(f"the value of {name} must be a one-line string")
        pairs.append((name, text))
    return tuple(pairs)


def merged(
    defaults: Sequence[tuple[str, str]], own: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """A source's headers over `[http]`'s: a name the source sets replaces the default."""
    names = {name.lower() for name, _ in own}
    return tuple((n, v) for n, v in defaults if n.lower() not in names) + tuple(own)

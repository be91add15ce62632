"""What is refused before extraction is spent on it: pure checks of a fetched page."""

from __future__ import annotations

from scraper.encoding import looks_binary
from scraper.errors import FetchError
from scraper.extract.blocked import blocked_page
from scraper.models import Exchange

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}


def check_page(exchange: Exchange, *, blocks: bool = True) -> None:
    """Refuse what is not an article page: no page at all (an empty 200 too), not HTML, or
    (`blocks`) a block or stub page standing in for it."""
    if not exchange.content.strip():
        raise FetchError(exchange.requested_url, f"HTTP {exchange.status} with no content")
    if exchange.content_type not in HTML_TYPES or looks_binary(exchange.content):
        kind = exchange.content_type or "binary"
        raise FetchError(exchange.requested_url, f"not an HTML page ({kind})")
    if blocks:
        check_blocked(exchange)


def check_blocked(exchange: Exchange) -> None:
    """Refuse a challenge, consent, paywall or JavaScript-shell page standing in for the article."""
    content_type = exchange.headers.get("content-type")
    blocked = blocked_page(exchange.requested_url, exchange.content, content_type, exchange.status)
    if blocked is not None:
        raise blocked

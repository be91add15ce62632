"""One language's words for the pages that are not the article (lower case; matched case-folded)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    """One language's words for the pages that are not the article."""

    javascript: tuple[str, ...] = ()  # nothing shows without JavaScript
    challenge: tuple[str, ...] = ()  # a bot check: prove you are human, a captcha
    waiting: tuple[str, ...] = ()  # a challenge's title ("Just a moment..."): only as the title
    denied: tuple[str, ...] = ()  # "Access denied", "you have been blocked"
    rate_limit: tuple[str, ...] = ()  # too many requests
    consent: tuple[str, ...] = ()  # agree (to cookies, to tracking) before you may read
    paywall: tuple[str, ...] = ()  # the rest is for subscribers

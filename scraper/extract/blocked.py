"""Block and stub pages: what a site serves instead of its article. Pure.

A bot challenge, an "Access denied" page, a JavaScript shell, a rate-limit page, a consent wall
or a paywall teaser is not the article: archived, it would become a body and, on a revisit, a
version. Each is told by two things at once: what it says (`block_phrases`, any language we
meet) or a vendor's trace, and how little real text it has. Real articles often carry a
`<noscript>` "enable JavaScript" notice, a captcha in their comment form or a cookie banner, but
beside paragraphs of text; a page rich in text is settled by one cheap scan and never searched.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html import unescape

from scraper.encoding import decode
from scraper.errors import BlockedPageError, HTTPStatusError, RetryLaterError, ScraperError
from scraper.extract.block_phrases import (
    APP_ROOTS,
    CAPTCHA_WIDGETS,
    CHALLENGE_MARKERS,
    CONSENT_TOPICS,
    LANGUAGES,
)

# A run of text between two tags this long is likely a sentence, not a menu item or a button.
RUN_CHARS = 40
# Real text (in such runs) a page may have and still be each kind: a sentence or two for pages
# that say only "no"; a teaser and its pitch for consent walls and paywalls.
MOST_TEXT = {
    "challenge": 600,
    "denied": 600,
    "rate_limit": 600,
    "javascript": 200,
    "consent": 2000,
    "paywall": 2000,
}
ENOUGH_TEXT = max(MOST_TEXT.values())  # more than this is an article, whatever else it says
STATUSES = {401, 403, 429, 503}  # error answers worth reading: the others are no block page

LABELS = {
    "challenge": "a bot challenge",
    "denied": "an access-denied page",
    "rate_limit": "a rate-limit page",
    "javascript": "a JavaScript shell",
    "consent": "a consent wall",
    "paywall": "a paywall teaser",
}

_RUN = re.compile(rf">([^<]{{{RUN_CHARS},}})<")
# Elements whose text no reader sees as the page's (scripts, styles, templates, the title).
_UNSEEN = ("script", "style", "noscript", "template", "textarea", "svg", "title")
_UNSEEN_BLOCKS = re.compile(
    r"<(script|style|template|textarea|svg|title|head)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
    re.S | re.I,
)
# How a page loads the code that would fill it.
_SCRIPTS = ("<script", "<SCRIPT", "<Script", "modulepreload")
_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_APP_ROOT = re.compile(
    r"<div\b[^>]*\bid\s*=\s*[\"']?(?:" + "|".join(map(re.escape, APP_ROOTS)) + r")[\"'\s>]"
    r"[^>]*>\s*</div>",
    re.I,
)


@dataclass(frozen=True)
class Block:
    """Why a page is not the article: its kind and what gave it away."""

    kind: str  # one of MOST_TEXT's keys
    evidence: str

    def describe(self) -> str:
        return f"{LABELS[self.kind]} ({self.evidence})"


def real_text_chars(html: str, enough: int | None = None) -> int:
    """Characters of the page's sentence-long runs of visible text (scripts, styles, titles and
    `<noscript>` not counted); the scan stops once `enough` is reached (it runs on every page:
    one regular expression, no parse)."""
    total = 0
    for match in _RUN.finditer(html):
        opened = html.rfind("<", 0, match.start() + 1)
        if html[opened + 1 : opened + 11].lower().startswith(_UNSEEN):
            continue
        run = match.group(1).strip()
        if run.count("{") + run.count(";") + run.count("=") > 2:
            continue  # code, not prose (a script's `>` comparison, an inline handler)
        total += len(run)
        if enough is not None and total >= enough:
            break
    return total


def looks_like_js_shell(html: str) -> bool:
    """Whether the page shows nothing without running its scripts (a single-page app's empty
    root, an "enable JavaScript" notice and nothing else): worth rendering in a browser."""
    text = real_text_chars(html, MOST_TEXT["javascript"] + 1)
    return text <= MOST_TEXT["javascript"] and _js_shell(_Page.read(html, text)) is not None


def detect_block(html: str, status: int = 200) -> Block | None:
    """Which kind of block or stub page this is, or None for a page that may be the article.

    `status` is the HTTP status it came with: a 429 is a rate-limit page and a 401 or 403 an
    access-denied page whatever they say; a 503 is read (challenges come with it); the other
    error statuses are no block page.
    """
    if status == 429:
        return Block("rate_limit", "HTTP 429")
    if status >= 300 and status not in STATUSES:
        return None
    text = real_text_chars(html, ENOUGH_TEXT + 1)
    if text > ENOUGH_TEXT and status < 300:
        return None  # the common case, an article: settled by one scan
    page = _Page.read(html, text)
    for kind, check in _CHECKS:
        if text > MOST_TEXT[kind] and status < 300:
            continue
        evidence = check(page)
        if evidence is not None:
            return Block(kind, evidence)
    if status in (401, 403):  # the site refuses us this page, whatever its page says
        return Block("denied", f"HTTP {status}")
    return None


def blocked_page(
    url: str, content: bytes, content_type: str | None, status: int
) -> BlockedPageError | None:
    """The failure a page fetched for `url` is when it is a block or stub page, else None."""
    block = detect_block(decode(content, content_type), status)
    return BlockedPageError(url, block.describe(), status) if block else None


def as_blocked(error: ScraperError) -> ScraperError:
    """An error answer whose page is a block page ("Access denied", a challenge served with
    403 or 503, a 429) as the blocked page it is; any other error as it is."""
    if not isinstance(error, HTTPStatusError | RetryLaterError) or error.status is None:
        return error
    block = detect_block(decode(error.content, error.content_type), error.status)
    if block is None:
        return error
    what = block.describe()
    if isinstance(error, RetryLaterError):
        what += f"; next try after {error.until.isoformat(timespec='seconds')}"
    return BlockedPageError(error.url, what, error.status)


@dataclass(frozen=True)
class _Page:
    """What the checks read of a page with little text: its title, its words, its markup."""

    html: str
    text: int  # characters of real text (`real_text_chars`)
    title: str
    words: str  # every visible word, `<noscript>` included, case-folded and spaced once

    @classmethod
    def read(cls, html: str, text: int) -> _Page:
        found = _TITLE.search(html)
        title = _normal(unescape(_TAG.sub(" ", found.group(1)))) if found else ""
        words = _normal(unescape(_TAG.sub(" ", _UNSEEN_BLOCKS.sub(" ", html))))
        return cls(html, text, title, words)

    def said(self, kind: str) -> str | None:
        """The first phrase of this kind the title or the text says, in any language."""
        for phrase in _phrases(kind):
            if phrase in self.title or phrase in self.words:
                return f'"{phrase}"'
        return None


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())


@functools.cache
def _phrases(kind: str) -> tuple[str, ...]:
    """A kind's phrases in every language, normalised as the page's words are; the longest
    first. Searched one by one (`in`): faster on a page's words than one alternation."""
    phrases = {_normal(p) for table in LANGUAGES.values() for p in getattr(table, kind)}
    return tuple(sorted(phrases, key=len, reverse=True))


def _challenge(page: _Page) -> str | None:
    for marker in CHALLENGE_MARKERS:
        if marker in page.html:
            return f"{marker!r} in the page"
    for waiting in _phrases("waiting"):
        # The whole title, but for an ellipsis: "Just a moment...", "Un instant…".
        if page.title.startswith(waiting) and len(page.title) <= len(waiting) + 4:
            return f'title "{page.title}"'
    said = page.said("challenge")
    if said:
        return said
    if page.text <= MOST_TEXT["javascript"]:
        for widget in CAPTCHA_WIDGETS:
            if widget in page.html:
                return f"{widget!r} and hardly any text"
    return None


def _denied(page: _Page) -> str | None:
    return page.said("denied")


def _rate_limit(page: _Page) -> str | None:
    return page.said("rate_limit")


def _js_shell(page: _Page) -> str | None:
    if not any(loads in page.html for loads in _SCRIPTS):
        return None
    said = page.said("javascript")
    if said:
        return said
    if _APP_ROOT.search(page.html):
        return "an empty app root"
    if not page.words:
        return "no text, only scripts"
    return None


def _consent(page: _Page) -> str | None:
    said = page.said("consent")
    if said and any(topic in page.words for topic in CONSENT_TOPICS):
        return said
    return None


def _paywall(page: _Page) -> str | None:
    return page.said("paywall")


# In this order: a challenge page also asks for JavaScript, a consent wall may mention paying.
_CHECKS = (
    ("challenge", _challenge),
    ("denied", _denied),
    ("rate_limit", _rate_limit),
    ("javascript", _js_shell),
    ("consent", _consent),
    ("paywall", _paywall),
)

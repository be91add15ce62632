"""`extract_article`: the body extractor and the metadata extractor joined, with the feed
entry filling what the page does not say."""

from __future__ import annotations

import re

from scraper.extract.body import extract_body
from scraper.extract.metadata import extract_metadata
from scraper.extract.selectors import apply_selectors
from scraper.models import Article, Body, FeedEntry


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _without_lines(text: str, unwanted: tuple[str, ...]) -> str:
    """Drop paragraphs that are (or mostly are) one of the unwanted lines."""
    targets = [_norm(line) for line in unwanted if _norm(line)]
    if not targets:
        return text
    kept = []
    for paragraph in re.split(r"\n\s*\n", text):
        norm = _norm(paragraph)
        if norm and any(t in norm and len(t) >= 0.6 * len(norm) for t in targets):
            continue
        kept.append(paragraph)
    return "\n\n".join(kept).strip()


def in_text(line: str | None, text: str) -> bool:
    """Whether a line is part of a body: a credit there is the article's, not its page's."""
    key = _norm(line) if line else ""
    return bool(key) and key in _norm(text)


def strip_credit_lines(body: Body, lines: tuple[str, ...]) -> Body:
    if not lines:
        return body
    return Body(_without_lines(body.text, lines), _without_lines(body.markdown, lines), body.error)


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups:
        for value in group:
            seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def extract_article(
    html: str,
    url: str | None = None,
    entry: FeedEntry | None = None,
    language: str | None = None,
    select: str | None = None,
    drop: tuple[str, ...] = (),
) -> Article:
    """Extract body and metadata; never raises (a failure is an empty body and its reason).

    `select` and `drop` are the source's CSS overrides; they shape the body only, the metadata
    is read from the whole page.
    """
    body = extract_body(apply_selectors(html, select, drop), url)
    meta = extract_metadata(html, url, entry, body.text)
    # A credit line of the article's own text outranks one elsewhere on the page (a sidebar
    # before the article, a footer): only the article's own joins a story on its word alone.
    own = next((c for c in meta.linked_credits if in_text(c[0], body.text)), None)
    body = strip_credit_lines(body, meta.credit_lines)
    return Article(
        url=url or "",
        text=body.text,
        markdown=body.markdown,
        title=meta.title or (entry.title if entry else None),
        authors=meta.authors or (entry.authors if entry else ()),
        published=meta.published or (entry.published if entry else None),
        updated=meta.updated or (entry.updated if entry else None),
        language=meta.language or (entry.language if entry else None) or language,
        tags=_merge(meta.tags, entry.tags if entry else ()),
        canonical_url=meta.canonical_url,
        description=meta.description,
        image=meta.image,
        original_url=own[1] if own else meta.original_url,
        original_source=own[2] if own else meta.original_source,
        credit_in_text=own is not None,
        error=body.error,
    )

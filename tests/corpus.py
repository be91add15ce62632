"""Real article pages from the shared article-extraction benchmark, read in place.

The corpus lives outside the repo (``../shared/corpora/article-extraction-benchmark``, or
``$SCRAPER_SHARED/corpora/...``) so it is never copied here; tests that need it call
:func:`require_corpus` and are skipped on machines without it.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS_NAME = "article-extraction-benchmark"


@dataclass(frozen=True)
class CorpusPage:
    """One benchmark page: its id, original URL, served HTML and true article body."""

    id: str
    url: str
    html: str
    body: str


def shared_dir() -> Path:
    """The shared folder: ``$SCRAPER_SHARED`` if set, else ``../shared`` next to the repo."""
    env = os.environ.get("SCRAPER_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared"


def _expected_dir() -> Path:
    return shared_dir() / "corpora" / CORPUS_NAME


def corpus_dir() -> Path | None:
    """The benchmark folder, or None when it is absent (so callers can skip, not fail)."""
    path = _expected_dir()
    if (path / "ground-truth.json").is_file() and (path / "html").is_dir():
        return path
    return None


def require_corpus() -> Path:
    """Return the corpus folder, or skip the calling test when it is not present."""
    path = corpus_dir()
    if path is None:
        pytest.skip(f"../shared/corpora not present: {_expected_dir()}")
    return path


@functools.cache
def _all_pages() -> tuple[CorpusPage, ...]:
    """Decompress every page once per process; 181 pages is a few MB, cheap to keep."""
    path = corpus_dir()
    if path is None:
        return ()
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        html_path = path / "html" / f"{page_id}.html.gz"
        if not html_path.is_file():
            continue
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        entry = truth[page_id]
        pages.append(
            CorpusPage(
                id=page_id,
                url=entry.get("url", ""),
                html=html,
                body=entry.get("articleBody", ""),
            )
        )
    return tuple(pages)


# The benchmark's pages that stand in for an article rather than carry one: its two wsj.com
# pages are paywall teasers (their gold body is the teaser, ending "To Read the Full Story
# Subscribe"), which the pipeline refuses as blocked pages (tests/test_blocked_pages.py).
STUBS = frozenset(
    {
        "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
        "7ab16ade32386ece353b8d31fc3bb7e660189efd5bf3c8549aaba101ad3f5ef5",
    }
)


def load_pages(limit: int | None = None, *, stubs: bool = False) -> list[CorpusPage]:
    """Corpus article pages sorted by id (first ``limit`` if given; the `STUBS` too with
    ``stubs``); empty when the corpus is absent."""
    pages = [page for page in _all_pages() if stubs or page.id not in STUBS]
    return pages if limit is None else pages[:limit]

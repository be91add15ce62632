"""Extraction: an article page's HTML to an `Article` (body and metadata).

`extract_article` joins the body extractor (`body.py`) and the metadata extractor
(`metadata.py`), lets the feed entry fill what the page does not say, and keeps credit lines
("The original source of this article is ...") out of the body: they are metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scraper.extract.article import extract_article

__all__ = ["extract_article"]


def __getattr__(name: str) -> Any:
    """`extract_article` is imported on first use: a process that only cleans boilerplate or
    reads dates (the command's own) does not load trafilatura and its models at start."""
    if name == "extract_article":
        from scraper.extract.article import extract_article

        return extract_article
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

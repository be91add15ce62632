"""Preloaded by the extraction forkserver only: it dies with the process that started it."""

import os

from scraper.runners.lifeline import PARENT_ENV, die_with_parent

_parent = os.environ.get(PARENT_ENV, "")
die_with_parent(int(_parent) if _parent.isdigit() else None)

# The language model (~70 MB of arrays) is loaded here once: every extraction worker forked
# from this server shares its pages instead of loading a copy of its own.
from scraper.extract.language import language_identifier  # noqa: E402

language_identifier()

# Everything a worker runs, loaded once here, and run once on a small page: what is made on
# first use (the text folding table, compiled patterns, trafilatura's caches, justext's merged
# stop list) is made here once, not by every worker on its first page (0.15-0.35 s each).
import gc  # noqa: E402

import trafilatura.external  # noqa: E402

import scraper.extract.article  # noqa: E402, F401
from scraper.runners.extract_pool import extract_page  # noqa: E402

_SAMPLE = "".join(
    [
        "<html lang='en'><head><title>Warm-up | Example</title>",
        "<meta name='author' content='A. Writer'>",
        "<meta property='article:published_time' content='2024-05-21T08:00:00Z'></head><body>",
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Warm-up</h1>",
    ]
    + [
        f"<p>Paragraph {n} of a page read once when the extraction processes start, so that "
        "what is made on first use is made here and shared by every worker.</p>"
        for n in range(8)
    ]
    + ["</article><footer>Copyright Example</footer></body></html>"]
)
extract_page(_SAMPLE.encode(), "https://example.org/news/warm-up", None, None, "text/html")
trafilatura.external.JT_STOPLIST or trafilatura.external.jt_stoplist_init()

# Then frozen, so the workers' garbage collector never walks (and so writes to, and copies) the
# pages of what they inherit.
gc.collect()
gc.freeze()

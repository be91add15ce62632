"""Preloaded by the extraction forkserver only: it dies with the process that started it."""

import os

from scraper.lifeline import PARENT_ENV, die_with_parent

_parent = os.environ.get(PARENT_ENV, "")
die_with_parent(int(_parent) if _parent.isdigit() else None)

# The language model (~70 MB of arrays) is loaded here once: every extraction worker forked
# from this server shares its pages instead of loading a copy of its own.
from scraper.extract.language import _identifier  # noqa: E402

_identifier()

# Everything a worker runs, loaded once here; then frozen, so the workers' garbage collector
# never walks (and so writes to, and copies) the pages of what they inherit.
import gc  # noqa: E402

import scraper.extract.article  # noqa: E402, F401

gc.collect()
gc.freeze()

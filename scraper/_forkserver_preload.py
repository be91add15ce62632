"""Preloaded by the extraction forkserver only: it dies with the process that started it."""

import os

from scraper.lifeline import PARENT_ENV, die_with_parent

_parent = os.environ.get(PARENT_ENV, "")
die_with_parent(int(_parent) if _parent.isdigit() else None)

"""Where each page lives, relative to the archive root: one place, so links and files agree.

Everything but the home page sits under `site/`, clear of the article tree and the index;
article and story pages are spread over up to 256 folders so that no folder holds 100,000 files.
"""

from __future__ import annotations

import hashlib
import re

from scraper.store.tree import safe_segment

HOME = "index.html"
SEARCH = "site/search.html"
SEARCH_FILES = "site/search/"  # the search script and its index
ALL = "site/all/"
STORIES = "site/stories/"
DAYS = "site/days/index.html"
MANIFEST = "site/.build.json"
LOCK = "site/.build.lock"
_SAFE_NAME = re.compile(r"[0-9a-z][0-9a-z_-]{0,63}")


def file_name(key: str) -> str:
    """A file name for an id: the id itself when it is tame, else a hash of it."""
    if _SAFE_NAME.fullmatch(key):
        return key
    return "x" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _sharded(folder: str, key: str, suffix: str = "") -> str:
    """Ids are hex digests (or hashed into one), so their last two characters spread evenly."""
    name = file_name(key)
    return f"site/{folder}/{name[-2:]}/{name}{suffix}.html"


def article(article_id: str) -> str:
    return _sharded("articles", article_id)


def history(article_id: str) -> str:
    return _sharded("articles", article_id, "-history")


def compare(article_id: str) -> str:
    """A copy's comparison with its story's original."""
    return _sharded("compare", article_id)


def story(story_id: str) -> str:
    return _sharded("story", story_id)


def source(name: str) -> str:
    """The folder of a source's list pages; a name the slug changes gets a hash, to stay unique."""
    slug = safe_segment(name, fallback="source", max_length=60)
    if slug != name:
        slug += "-" + hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"site/sources/{slug}/"


def source_index(name: str) -> str:
    return source(name) + "index.html"


def day(day: str) -> str:
    return f"site/days/{day}/"

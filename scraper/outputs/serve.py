"""`scraper serve`: Datasette over the index, read-only — a web UI and a JSON API for free.

Datasette is an optional extra (`pip install 'scraper[serve]'`); the metadata written here
titles the tables, sets facets by source, language, tag and date, points the search box at the
FTS index and hides the tables only scraper reads; a plugin (`serve_plugins/`) makes the front
page the articles.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from scraper.errors import ScraperError
from scraper.store.sqlite import INDEX_NAME

DATABASE = INDEX_NAME.removesuffix(".sqlite")
PLUGINS = Path(__file__).resolve().parent / "serve_plugins"
# Tables only scraper reads: hidden from the table list, still there for SQL.
_LOOKUPS = ("article_urls", "article_guids")
_FETCH_STATE = ("validators", "host_holds", "robots", "payloads", "boilerplate", "failure_log")
_DEDUPE = (
    "dedupe_refs",
    "dedupe_links",
    "dedupe_originals",
    "dedupe_docs",
    "dedupe_keys",
    "dedupe_claims",
)
INTERNAL_TABLES = (*_LOOKUPS, *_FETCH_STATE, *_DEDUPE)


def datasette_metadata() -> dict[str, Any]:
    """Titles, descriptions, facets and full-text search for Datasette."""
    return {
        "title": "scraper archive",
        "description": "The index of a scraper archive: articles, their versions and stories.",
        "databases": {
            DATABASE: {
                "tables": {
                    "articles": {
                        "description_html": (
                            "One row per archived article, in its latest version. The search "
                            "box takes SQLite's FTS5 syntax: quote a word with punctuation "
                            '("Al-Tanf"). '
                            f'<a href="/{DATABASE}/stories">Stories</a>: articles that are '
                            "copies of one another."
                        ),
                        "facets": ["source", "language", {"array": "tags"}, {"date": "first_seen"}],
                        "sort_desc": "first_seen",
                        "fts_table": "articles_fts",
                        "fts_pk": "rowid",
                        "searchmode": "raw",
                    },
                    "versions": {
                        "description": "Every stored version of every article.",
                        "facets": ["minor", {"date": "fetched_at"}],
                        "sort_desc": "fetched_at",
                    },
                    "stories": {"description": "Articles that are one story (several copies)."},
                    "fetch_log": {"description": "Every request made, with its WARC record."},
                    "sources": {"description": "Each source's polling state."},
                    "polls": {"description": "Every poll of every source: source health."},
                    **{name: {"hidden": True} for name in INTERNAL_TABLES},
                },
            }
        },
    }


def serve(archive: Path, port: int, host: str = "127.0.0.1") -> int:
    """Replace this process with Datasette serving the index; returns only on error."""
    index = archive / INDEX_NAME
    if not index.exists():
        raise ScraperError(f"{archive}: no archive yet (run `scraper fetch` first)")
    executable = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which(
        "datasette"
    )
    if executable is None:
        raise ScraperError("Datasette is not installed: pip install 'scraper[serve]'")
    # One metadata file per archive, rewritten each time (the process is replaced below).
    digest = hashlib.sha256(str(index.resolve()).encode()).hexdigest()[:12]
    metadata = Path(tempfile.gettempdir()) / f"scraper-datasette-{digest}.json"
    metadata.write_text(json.dumps(datasette_metadata()), encoding="utf-8")
    # Datasette opens a mutable database read-only (mode=ro): the daemon may keep writing.
    command = [
        executable,
        "serve",
        str(index),
        "--metadata",
        str(metadata),
        "--port",
        str(port),
        "--host",
        host,
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--plugins-dir",
        str(PLUGINS),
    ]
    # Become Datasette, so that stopping `scraper serve` stops the server (no orphan).
    os.execv(executable, command)

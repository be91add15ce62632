"""The archive as a tree a person can browse: one folder per article, Markdown and JSON inside.

Every name in the tree comes from `safe_segment`, and every path is checked to stay under the
archive root, so no URL, title or header can make us write anywhere else.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from scraper.errors import StorageError
from scraper.files import atomic_write, inside
from scraper.models import StoredArticle, StoredVersion

MAX_SEGMENT = 80
SCREENSHOT_FILE = "screenshot.png"  # a rendered page's screenshot, in its article's folder
RESERVED_TOP = {"site", "warc", "index.html", "index.sqlite", "readme.md"}  # the archive's own
# Names Windows refuses, so an archive copied there still opens.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def safe_segment(text: str, fallback: str = "article", max_length: int = MAX_SEGMENT) -> str:
    """One path segment made of [a-z0-9.-_], never empty, '.', '..' or a reserved name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:max_length].strip("-")
    if slug in _RESERVED:
        slug = f"{fallback or 'article'}-{slug}"  # never "-com0" when there is no fallback
    elif not slug:
        slug = fallback
    return slug


def host_segment(url: str) -> str:
    """The folder named after a URL's host (port kept, everything else made safe)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    host = re.sub(r"[^a-z0-9.-]", "_", host).strip(".")[:100].strip(".") or "unknown-host"
    host = re.sub(r"\.{2,}", ".", host)
    if parts.port:
        host = f"{host}_{parts.port}"
    if host in RESERVED_TOP:
        host += "_"  # a dotless host may not take the place of the archive's own folders
    return host


def article_folder(url: str, title: str | None, when: datetime) -> PurePosixPath:
    """`<host>/<yyyy>/<mm>/<dd>/<slug>`, relative to the archive root."""
    path_tail = PurePosixPath(urlsplit(url).path).name
    slug = safe_segment(title or "", fallback="") or safe_segment(path_tail)
    return PurePosixPath(host_segment(url), f"{when:%Y}", f"{when:%m}", f"{when:%d}", slug)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_metadata(article: StoredArticle) -> dict[str, Any]:
    """The article's metadata as written to metadata.json: the export record without the body,
    plus what only the folder tells (description, image, guid, ...)."""
    from scraper.models import article_record

    record = article_record(article)
    record.pop("text")
    record["description"] = article.description
    record.update({k: v for k, v in article.extra.items() if v is not None})
    return record


def render_markdown(article: StoredArticle) -> str:
    """The body as Markdown behind a front-matter header a person (and YAML) can read."""
    meta = article_metadata(article)
    header_keys = (
        "title",
        "url",
        "source",
        "authors",
        "published",
        "updated",
        "language",
        "tags",
        "canonical_url",
        "original_url",
        "first_seen",
        "id",
    )
    lines = ["---"]
    lines += [f"{key}: {json.dumps(meta[key], ensure_ascii=False)}" for key in header_keys]
    lines += ["---", ""]
    if article.title:
        lines += [f"# {article.title}", ""]
    lines.append(article.markdown.strip() or "*(no body could be extracted)*")
    return "\n".join(lines) + "\n"


class ArchiveTree:
    """Writes article folders under the archive root."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder_for(
        self, url: str, title: str | None, when: datetime, ident: str, taken: Any
    ) -> str:
        """A free folder for a new article; `taken(path)` says which article owns a path."""
        base = article_folder(url, title, when)
        candidate = base
        for attempt in range(100):
            owner = taken(str(candidate))
            on_disk = inside(self.root, candidate)
            if owner in (None, ident) and not self._owned_by_other(on_disk, ident):
                return str(candidate)
            suffix = ident[:8] if attempt == 0 else f"{ident[:8]}-{attempt}"
            candidate = base.with_name(f"{base.name[: MAX_SEGMENT - len(suffix) - 1]}-{suffix}")
        raise StorageError(f"no free folder for {url}")

    @staticmethod
    def _owned_by_other(folder: Path, ident: str) -> bool:
        """A folder whose metadata.json names another article, or cannot be read (safer)."""
        return (folder / "metadata.json").exists() and metadata_id(folder) != ident

    def write_article(self, article: StoredArticle, versions: Sequence[StoredVersion] = ()) -> None:
        """Write (or rewrite) the article's folder: article.md, metadata.json, and one
        `vN.md` (plus `vN.diff`, the version's stored diff: what changed since the version
        before, both cleaned of the site's template as known then) per version not written yet.

        Not synced one by one: they are all derived from the index and the WARC files (which
        are), and `verify --repair` writes any a power cut left empty or missing again."""
        folder = inside(self.root, article.path)
        listing = []
        try:
            for version in versions:
                number, diff = version.number, version.diff
                body = folder / f"v{number}.md"
                if not body.exists():
                    atomic_write(body, render_version(article, version), sync=False)
                if diff and not (folder / f"v{number}.diff").exists():
                    atomic_write(folder / f"v{number}.diff", diff, sync=False)
                listing.append(version_entry(version, body.name))
            atomic_write(folder / "article.md", render_markdown(article), sync=False)
            meta = article_metadata(article)
            if listing:
                meta["version_history"] = listing
            text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
            atomic_write(folder / "metadata.json", text, sync=False)
        except OSError as error:
            raise StorageError(f"cannot write {folder}: {error.strerror or error}") from None


def metadata_id(folder: Path) -> str | None:
    """The article id an article folder's metadata.json names; None when it is missing, empty
    or unreadable."""
    try:
        data = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("id") if isinstance(data, dict) and data.get("id") else None


def version_entry(version: StoredVersion, file: str) -> dict[str, Any]:
    """One version as metadata.json's `version_history` lists it (`file`: its vN.md)."""
    return {
        "version": version.number,
        "fetched_at": _iso(version.fetched_at),
        "minor": version.minor,
        "file": file,
        "diff": f"v{version.number}.diff" if version.diff else None,
        "warc_file": version.warc.file if version.warc else None,
        "warc_offset": version.warc.offset if version.warc else None,
    }


def render_version(article: StoredArticle, version: StoredVersion) -> str:
    """One version's body as Markdown, behind a header saying which version and when."""
    lines = [
        "---",
        f"id: {json.dumps(article.id)}",
        f"url: {json.dumps(article.url)}",
        f"version: {version.number}",
        f"fetched_at: {json.dumps(_iso(version.fetched_at))}",
        f"minor: {json.dumps(version.minor)}",
        f"title: {json.dumps(version.title, ensure_ascii=False)}",
        f"authors: {json.dumps(list(version.authors), ensure_ascii=False)}",
        "---",
        "",
    ]
    if version.title:
        lines += [f"# {version.title}", ""]
    lines.append((version.markdown or "").strip() or "*(no body could be extracted)*")
    return "\n".join(lines) + "\n"

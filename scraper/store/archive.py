"""An opened archive: the index, the browsable tree and the WARC writer of one archive folder."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from scraper.config.settings import Config
from scraper.errors import StorageError
from scraper.files import atomic_write
from scraper.store import open_store
from scraper.store.tree import ArchiveTree
from scraper.store.warc import WarcWriterPool

ARCHIVE_README = """\
# This folder is a scraper archive

It was written by `scraper` (a news-feed archival pipeline) and is meant to be read by people
with a file manager, a text editor or a web browser, and by programs.

- `<host>/<yyyy>/<mm>/<dd>/<slug>/`: one folder per archived article, dated by its publication
  date (or the day it was first seen when the page gives none).
  - `article.md`: the latest body as Markdown, behind a header (between `---` lines) holding its
    metadata: title, URL, source, authors, dates, language, tags, canonical and original URLs.
  - `metadata.json`: the same metadata as JSON, with the article's id, story id and versions.
  - `screenshot.png`: the page as the browser rendered it, for sources with `screenshot = true`.
- `warc/`: every HTTP exchange (feeds, pages, robots.txt) exactly as the servers sent it, in
  WARC files (`*.warc.gz`, the web-archiving standard read by pywb, ReplayWeb.page and warcio);
  for rendered pages also the HTML the browser made (`conversion` records) and screenshots.
  `.sealed` lists the files known to end cleanly.
- `warc/indexes/`: a CDXJ index of the WARC files, for replay tools (pywb reads it as it is):
  one sorted `.cdxj` file per WARC file, brought up to date after each `scraper fetch` and
  each poll of the daemon by reading only the bytes written since (`indexed.json` says how
  many bytes of each WARC file are indexed). It can always be rebuilt from the WARC files:
  delete the folder and the next update indexes everything again.
- `index.sqlite`: the index (SQLite) that the `scraper` commands query: articles, versions,
  URL aliases, the fetch log, HTTP validators, robots.txt cache and per-source state. (When
  the config's `[index] url` names a PostgreSQL database, the index lives there instead.)

Look things up with `scraper list`, `scraper show ID|URL` and
`scraper export --format jsonl`; `scraper export --format wacz -o FILE.wacz` packages the
articles' HTTP exchanges for ReplayWeb.page and pywb. Every command takes `--config PATH`.
"""


class Archive:
    """Opens (creating if needed) the archive folder a config names."""

    def __init__(
        self, config: Config, *, writer: bool = True, warc_prefix: str = "scraper"
    ) -> None:
        self.root: Path = config.archive.path
        self.store = open_store(config, create=True)
        self.tree = ArchiveTree(self.root)
        self.warc: WarcWriterPool | None = None
        if writer:
            readme = self.root / "README.md"
            if not readme.exists() or readme.read_text(encoding="utf-8") != ARCHIVE_README:
                try:
                    atomic_write(readme, ARCHIVE_README)
                except OSError as error:
                    raise StorageError(f"cannot write {readme}: {error.strerror}") from None
            self.warc = WarcWriterPool(
                self.root / "warc",
                self.root,
                max_size=config.archive.warc_max_size,
                prefix=warc_prefix,
                lookup=self.store.find_payload,
                remember=self.store.remember_payload,
            )

    def close(self) -> None:
        if self.warc is not None:
            self.warc.close()
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ArchiveLock:
    """One daemon per archive: an exclusive lock on `<archive>/.daemon.lock` holding its pid."""

    NAME = ".daemon.lock"

    def __init__(self, root: Path) -> None:
        self.path = root / self.NAME
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            handle.close()
            raise StorageError(
                f"{self.path.parent}: another `scraper run` (pid {pid}) is already running on "
                "this archive; stop it first (one daemon per archive)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def holder(self) -> int | None:
        """The pid of the daemon running on this archive, or None when none is."""
        if not self.path.exists():
            return None
        with self.path.open("r") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                text = handle.read().strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None

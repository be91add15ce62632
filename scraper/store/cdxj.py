"""A CDXJ index of the archive's WARC files, kept current incrementally, for replay tools.

pywb (and anything reading CDXJ) looks records up by SURT URL key and timestamp in sorted
`.cdxj` files. We keep one sorted file per WARC file in `warc/indexes/` and remember, per WARC
file, how many of its bytes are indexed (`indexed.json`). An update reads only the bytes written
since, up to the last whole gzip member (a record still being written is left for next time),
and merges the new lines into that file's index. Lines come from webrecorder's own indexer
(`cdxj-indexer`), so they are what pywb, ReplayWeb.page and py-wacz write themselves; or, for
the bytes this process wrote itself, from its WARC writer, which made the same lines as it wrote
the records (`WarcWriterPool.index_lines`), so nothing is read back and decompressed again.

Every file is replaced atomically and the index file before the offset, so a process killed at
any moment leaves a consistent index: at worst the next update reads again from the last
recorded offset and merges lines that are already there (lines are deduplicated).
"""

from __future__ import annotations

import fcntl
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.errors import StorageError
from scraper.files import atomic_write
from scraper.store.warc import valid_length

# The replay index lines of bytes [start, end) of a WARC file, when the caller knows them
# (`WarcWriterPool.index_lines`), else None.
KnownLines = Callable[[str, int, int], "list[str] | None"]

log = logging.getLogger("scraper.cdxj")

INDEX_DIR = "indexes"  # inside the archive's warc/ folder
STATE_NAME = "indexed.json"
LOCK_NAME = ".lock"
INDEXED_RECORDS = ("response", "revisit", "resource", "metadata")


@dataclass
class IndexUpdate:
    """What one update did."""

    files: list[str] = field(default_factory=list)  # WARC files with newly indexed bytes
    lines: int = 0  # index lines added
    bytes_read: int = 0  # new WARC bytes indexed (only those not indexed before)
    bytes_known: int = 0  # ... of which the writer gave the lines: not read back
    rebuilt: list[str] = field(default_factory=list)  # files indexed again from the start
    errors: list[str] = field(default_factory=list)  # files that could not be read

    def summary(self) -> str:
        return (
            f"replay index: {self.lines} lines added from {self.bytes_read:,} new WARC "
            f"bytes in {len(self.files)} files"
        )


@dataclass(frozen=True)
class IndexLine:
    """One parsed CDXJ line."""

    urlkey: str
    timestamp: str
    fields: dict[str, Any]

    @property
    def filename(self) -> str:
        return str(self.fields.get("filename", ""))

    @property
    def offset(self) -> int:
        return int(self.fields.get("offset", 0))

    @property
    def length(self) -> int:
        return int(self.fields.get("length", 0))


def parse_line(line: str) -> IndexLine:
    urlkey, timestamp, data = line.rstrip("\n").split(" ", 2)
    return IndexLine(urlkey, timestamp, json.loads(data))


class _Window(io.RawIOBase):
    """Bytes [start, end) of a file, with tell() in file offsets (warcio reports offsets so)."""

    def __init__(self, handle: io.BufferedReader, start: int, end: int) -> None:
        super().__init__()
        self._handle = handle
        self._end = end
        handle.seek(start)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._handle.tell()

    def readinto(self, buffer: Any) -> int:
        room = self._end - self._handle.tell()
        if room <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), room)]
        return self._handle.readinto(view) or 0


def index_lines(path: Path, start: int, end: int) -> list[str]:
    """CDXJ lines for the records in bytes [start, end) of one WARC file (whole members only)."""
    from cdxj_indexer.main import CDXJIndexer

    out = io.StringIO()
    # post_append: requests are read too, so a POST's body would be part of its key; the
    # record types are named because py-wacz, once imported, adds warcinfo to the defaults
    indexer = CDXJIndexer(
        out, [], post_append=True, filename=path.name, records=",".join(INDEXED_RECORDS)
    )
    with path.open("rb") as handle:
        indexer.process_one(_Window(handle, start, end), out, path.name)
    return out.getvalue().splitlines(keepends=True)


class CdxjIndex:
    """The replay index of one archive's `warc/` folder."""

    def __init__(self, warc_dir: Path) -> None:
        self.warc_dir = warc_dir
        self.dir = warc_dir / INDEX_DIR

    def index_path(self, warc_name: str) -> Path:
        return self.dir / (warc_name.removesuffix(".warc.gz") + ".cdxj")

    def state(self) -> dict[str, int]:
        """Bytes indexed so far, per WARC file name."""
        try:
            data = json.loads((self.dir / STATE_NAME).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("unreadable %s (%s): the replay index is rebuilt", STATE_NAME, error)
            return {}
        files = data.get("files", {}) if isinstance(data, dict) else {}
        return {str(k): int(v) for k, v in files.items() if isinstance(v, int)}

    def _save_state(self, state: dict[str, int]) -> None:
        text = json.dumps({"format": 1, "files": dict(sorted(state.items()))}, indent=1)
        atomic_write(self.dir / STATE_NAME, text + "\n")

    def update(
        self, halt: Callable[[], bool] | None = None, known: KnownLines | None = None
    ) -> IndexUpdate:
        """Index every WARC byte written since the last update; returns what was done.

        `halt` is asked between WARC files: a daemon stopping leaves the rest for next time.
        `known` gives the lines of bytes the caller wrote, which are then not read again.
        """
        report = IndexUpdate()
        if not self.warc_dir.is_dir():
            return report
        try:
            self.dir.mkdir(exist_ok=True)
            with (self.dir / LOCK_NAME).open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # one indexer at a time (daemon and a fetch)
                self._update_locked(report, halt or (lambda: False), known)
        except OSError as error:
            raise StorageError(
                f"cannot update the replay index in {self.dir}: {error.strerror or error}"
            ) from None
        return report

    def _update_locked(
        self, report: IndexUpdate, halt: Callable[[], bool], known: KnownLines | None
    ) -> None:
        state = self.state()
        present = {p.name: p for p in sorted(self.warc_dir.glob("*.warc.gz"))}
        for gone in sorted(state.keys() - present.keys()):  # a WARC file removed by hand
            self.index_path(gone).unlink(missing_ok=True)
            del state[gone]
            self._save_state(state)
        for name, path in present.items():
            if halt():
                return
            done = state.get(name, 0)
            size = path.stat().st_size
            if size == done:
                continue
            index_file = self.index_path(name)
            if size < done or (done and not index_file.exists()):
                # cut back (a failed append, a repaired tail) or its index lost: start over
                done = 0
                report.rebuilt.append(name)
            given = known(name, done, size) if known else None
            if given is not None:
                fresh, end = given, size
            else:
                end = valid_length(path, start=done)
                if end <= done:
                    continue  # only a record still being written
                try:
                    fresh = index_lines(path, done, end)
                except Exception as error:  # noqa: BLE001 - warcio raises several kinds
                    report.errors.append(f"warc/{name}: unreadable after byte {done}: {error}")
                    continue  # the other files are still indexed
            old = self._read(index_file) if done else []
            merged = sorted(set(old).union(fresh))
            # pywb reads every *.cdxj in the folder: the temporary file must not look like one
            atomic_write(index_file, "".join(merged), temp_suffix=".part")
            state[name] = end
            self._save_state(state)
            report.files.append(name)
            report.lines += len(merged) - len(old)
            report.bytes_read += end - done
            report.bytes_known += end - done if given is not None else 0

    @staticmethod
    def _read(path: Path) -> list[str]:
        try:
            return path.read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError:
            return []

    def lines(self) -> Iterator[IndexLine]:
        """Every index line, file by file (each file sorted)."""
        if not self.dir.is_dir():
            return
        for path in sorted(self.dir.glob("*.cdxj")):
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        yield parse_line(line)

    def check(self, valid_sizes: dict[str, int]) -> list[str]:
        """Disagreements between the index and the WARC files (by name -> valid length)."""
        problems = []
        state = self.state()
        for name, done in sorted(state.items()):
            if name in valid_sizes and done > valid_sizes[name]:
                problems.append(
                    f"replay index of warc/{name} covers {done} bytes but the file "
                    f"has {valid_sizes[name]} valid bytes"
                )
        for line in self.lines():
            indexed = state.get(line.filename)
            if indexed is None or line.offset + line.length > indexed:
                problems.append(
                    f"replay index line for {line.fields.get('url')} points past "
                    f"the indexed part of warc/{line.filename}"
                )
                break
        return problems

    def behind(self, sizes: dict[str, int]) -> int:
        """WARC bytes not indexed yet (by name -> valid length)."""
        state = self.state()
        return sum(max(0, size - state.get(name, 0)) for name, size in sizes.items())

    def forget(self, name: str) -> None:
        """Drop one WARC file's index so the next update rebuilds it."""
        state = self.state()
        if name in state:
            del state[name]
            self._save_state(state)
        self.index_path(name).unlink(missing_ok=True)


def update_replay_index(
    archive_root: Path, halt: Callable[[], bool] | None = None, known: KnownLines | None = None
) -> IndexUpdate:
    """Bring the archive's replay index up to date (after a fetch, and by the daemon)."""
    return CdxjIndex(archive_root / "warc").update(halt, known)

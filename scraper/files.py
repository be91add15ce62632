"""Files written so that no name escapes the archive and no reader sees half a file.

`inside` checks every path made from a URL, a title or the index against the archive root;
`atomic_write`, `atomic_text_file` and `temp_file` write beside the target and rename into place.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from scraper.errors import StorageError

__all__ = ["atomic_text_file", "atomic_write", "inside", "temp_file"]


def inside(
    root: Path,
    relative: str | PurePosixPath,
    *,
    refusal: str = "refused to write outside the archive",
) -> Path:
    """`root / relative` resolved, or StorageError(f"{refusal}: {relative}") when it lands
    outside `root` (`..`, an absolute path, a symlink out). Every path made from a URL, a title
    or the index goes through here before anything is written or read there."""
    candidate = (root / str(relative)).resolve()
    if not candidate.is_relative_to(_resolved(root)):
        raise StorageError(f"{refusal}: {relative}")
    return candidate


@functools.lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    """The archive root, resolved once: it is asked for on every file written."""
    return root.resolve()


def atomic_write(
    path: Path, data: str | bytes, *, temp_suffix: str | None = None, sync: bool = True
) -> None:
    """Write a file so that readers (and a crash) see the old or the new content, never half.

    `temp_suffix` names the temporary file differently where readers pick files by suffix.
    `sync=False` skips the fsync, for files that can be written again from the index: a killed
    process still leaves the old or the new file; only a power cut can leave one empty.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix if temp_suffix is None else temp_suffix
    with _replacing(path, suffix, sync=sync) as handle:
        handle.write(payload)


def temp_file(folder: Path, suffix: str) -> tuple[int, Path]:
    """A new empty file in `folder` (named `.tmp-*`, which `verify --repair` sweeps), open for
    writing. Unlike mkstemp's 0600, its mode is what the umask leaves of 0666 (0644 under 022),
    as for any file: a colleague or a web server running as another user can read the archive."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        path = folder / f".tmp-{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue


@contextlib.contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """A text file written in a temporary file and renamed into place only when complete."""
    with _replacing(path, path.suffix, text=True) as handle:
        yield handle


@contextlib.contextmanager
def _replacing(path: Path, suffix: str, *, text: bool = False, sync: bool = True) -> Iterator[Any]:
    """A temporary file beside `path`, synced to disk and renamed over `path` when the block
    ends without error, removed when it does not: readers see the old file or the new."""
    fd, tmp = temp_file(path.parent, suffix)
    try:
        opened = os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        with opened as handle:
            yield handle
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

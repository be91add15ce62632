"""Arrays worth keeping between runs, in the user's cache folder.

Some tables cost more to make than to read: the language model ships LZMA-compressed (0.5 s of
CPU to open), the dedupe text folding table is built code point by code point (0.1 s). Every
command's extraction processes would pay that at start. Kept as plain .npz files they load in
milliseconds. A cache is never needed: anything unexpected (an unwritable folder, a damaged
file) means making the arrays again, and keeping them when that can be done.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np

Arrays = dict[str, np.ndarray]  # type: ignore[type-arg]


def cache_dir() -> Path:
    """The user's cache folder for scraper (XDG)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "scraper"


def read_arrays(path: Path) -> Arrays | None:
    """The arrays kept in `path`, or None when it is missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except Exception:  # noqa: BLE001 - missing, damaged, cut short: made again
        return None


def save_arrays(path: Path, arrays: Arrays) -> bool:
    """Write the .npz whole or not at all (readers never see half a file); False if it could
    not be written."""
    from scraper.files import atomic_write

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    try:
        atomic_write(path, buffer.getvalue(), sync=False)
    except Exception:  # noqa: BLE001 - no cache this time
        return False
    return True


def cached_arrays(name: str, make: Callable[[], Arrays], keys: Collection[str]) -> Arrays:
    """The arrays kept under `name` (which must change whenever `make` would make others), made
    and kept the first time, or whenever the file lacks one of `keys`."""
    path = cache_dir() / name
    arrays = read_arrays(path)
    if arrays is None or not set(keys) <= arrays.keys():
        arrays = make()
        save_arrays(path, arrays)
    return arrays

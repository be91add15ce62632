"""Give freed heap memory back to the operating system in a long-running process.

glibc's malloc keeps memory freed by Python in its arenas (one per thread that allocated), so a
daemon whose threads now and then build large things (the browse site, the replay index, WARC
records) keeps its highest peak of each as resident memory. `malloc_trim` returns those free
pages; elsewhere (another libc, another OS) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _trim() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Return free heap pages to the OS; True when the C library could do it."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True

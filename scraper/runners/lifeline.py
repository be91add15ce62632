"""Tie a helper process's life to its parent's (Linux), so a killed run leaves no orphans.

Imported by the extraction forkserver (it dies with the scraper process) and run as the
initializer of each extraction worker (it dies with the forkserver): a `kill -9` of a fetch or a
daemon takes its whole process tree with it.
"""

from __future__ import annotations

import ctypes
import os
import signal

PARENT_ENV = "SCRAPER_PARENT_PID"  # the scraper process, for its forkserver to check

PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent exits.

    If the parent is already gone (it was killed while this process started), exit now: the
    request would never fire. `expected_parent` names the parent when it is known.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: the pool's own shutdown is all there is
    parent = os.getppid()
    if parent == 1 or (expected_parent is not None and parent != expected_parent):
        os._exit(1)

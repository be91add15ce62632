"""How much memory the browser's processes hold: the bound that restarts it, and the bench's."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def descendants(pid: int | None = None) -> list[int]:
    """Every process started (directly or not) by `pid` (default: this one)."""
    tree = _children()
    out, todo = [], list(tree.get(pid or os.getpid(), []))
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(tree.get(child, []))
    return out


def pss_of(pids: list[int]) -> int:
    """Proportional set size of these processes together, in bytes: what they hold with each
    shared page counted once (a sum of RSS would count the browser's libraries per process).
    0 for a process that has gone."""
    total = 0
    for pid in pids:
        try:
            for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def browser_memory(executable: str) -> int:
    """Bytes held by this process's browser processes (those running `executable`'s program,
    its helpers included; Playwright's driver left out), shared pages counted once."""
    name = Path(executable).name[:15]  # /proc's comm is cut at 15 characters
    pids = []
    for pid in descendants():
        try:
            comm = (PROC / str(pid) / "comm").read_text().strip()
        except OSError:
            continue
        if comm.startswith(name[:6]) or comm.startswith("chrom"):
            pids.append(pid)
    return pss_of(pids)

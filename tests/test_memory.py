"""A long-running process hands freed heap memory back to the OS."""

from __future__ import annotations

from pathlib import Path

from scraper.runners.memory import release_free_memory


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def test_memory_freed_by_python_is_returned_to_the_os() -> None:
    release_free_memory()
    before = resident_mb()
    chunks = [bytes(1000) for _ in range(150_000)]  # ~150 MB of small objects
    assert resident_mb() > before + 100
    del chunks
    assert release_free_memory()
    assert resident_mb() < before + 30

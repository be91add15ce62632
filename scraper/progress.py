"""A one-line progress display on a terminal; silent when output goes to a file or a pipe."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str = "sources", stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.total = total
        self.label = label
        self.done = 0
        self.articles = 0
        self.failures = 0
        self._last = 0.0

    def article(self, failed: bool = False) -> None:
        if failed:
            self.failures += 1
        else:
            self.articles += 1
        self._draw()

    def finished(self) -> None:
        self.done += 1
        self._draw(force=True)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        line = (
            f"  {self.done}/{self.total} {self.label} polled, {self.articles} articles "
            f"archived, {self.failures} failed"
        )
        self.stream.write("\r" + line[:120] + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Counter:
    """`label: N done` on one terminal line, for long one-pass jobs (an export)."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.done = 0
        self._last = 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.enabled and now - self._last >= 0.1:
            self._last = now
            self.stream.write(f"\r  {self.label}: {self.done}\x1b[K")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

"""Runs extraction off the event loop: in worker processes, since it is CPU-bound pure Python."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

from scraper.lifeline import PARENT_ENV, die_with_parent
from scraper.models import Article, FeedEntry, Source


def _extract(html: str, url: str, entry: FeedEntry | None, source: Source | None) -> Article:
    from scraper.extract import extract_article

    try:
        if source is None:
            return extract_article(html, url, entry)
        return extract_article(html, url, entry, source.language, source.select, source.drop)
    except Exception as error:  # noqa: BLE001 - a page must never take the pipeline down
        return Article(url=url, text="", markdown="", error=f"extraction failed: {error!r}"[:300])


class Extractor:
    """`await extractor(html, url, entry)` -> Article, using a pool of processes (or threads)."""

    def __init__(self, workers: int | None = None, processes: bool = True) -> None:
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.processes = processes
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            if self.processes:
                # forkserver: children start from a clean process, not a copy of our threads.
                context = multiprocessing.get_context("forkserver")
                os.environ[PARENT_ENV] = str(os.getpid())  # the forkserver checks it is ours
                context.set_forkserver_preload(["scraper._forkserver_preload", "scraper.extract"])
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=die_with_parent
                )
            else:
                self._pool = ThreadPoolExecutor(self.workers)
        return self._pool

    async def __call__(
        self, html: str, url: str, entry: FeedEntry | None = None, source: Source | None = None
    ) -> Article:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor(), partial(_extract, html, url, entry, source)
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

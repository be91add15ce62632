"""Runs extraction off the event loop: in worker processes, since it is CPU-bound pure Python."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from functools import partial

from scraper.models import Article, Body, FeedEntry, Source
from scraper.runners.lifeline import PARENT_ENV, die_with_parent


def extract_page(
    page: str | bytes,
    url: str,
    entry: FeedEntry | None,
    source: Source | None,
    content_type: str | None = None,
) -> Article:
    """One page's article, in a worker process; a failure comes back as `Article.error`."""
    from scraper.dedupe.text import fingerprint
    from scraper.encoding import decode
    from scraper.extract import extract_article
    from scraper.extract.boilerplate import line_facts

    try:
        html = page if isinstance(page, str) else decode(page, content_type)
        if source is None:
            article = extract_article(html, url, entry)
        else:
            article = extract_article(html, url, entry, source.language, source.select, source.drop)
        # The event loop learns and cleans boilerplate, and dedupes, with these: it hashes
        # nothing itself.
        facts = line_facts(Body(article.text, article.markdown))
        return replace(article, facts=facts, fingerprint=fingerprint(article.text))
    except Exception as error:  # noqa: BLE001 - a page must never take the pipeline down
        return Article(url=url, text="", markdown="", error=f"extraction failed: {error!r}"[:300])


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, which its children inherit), not
    the machine's: a process confined to one core (`taskset -c 0`, a container's cpuset) gets
    one extraction process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity masks (macOS, Windows)
        return max(1, os.cpu_count() or 1)


class Extractor:
    """`await extractor(page, url, entry)` -> Article, using a pool of processes (or threads).

    `page` may be the raw bytes (with their Content-Type): they are decoded in the worker, so the
    event loop neither spends that CPU nor holds the decoded text. At most `queue` pages per
    worker are handed over at once; the others wait as bytes, which bounds the memory a large
    poll holds.
    """

    def __init__(self, workers: int | None = None, processes: bool = True, queue: int = 4) -> None:
        self.workers = workers or usable_cpus()
        self.processes = processes
        self._pool: Executor | None = None
        self._slots = self.workers * queue + 1
        self._gate: asyncio.Semaphore | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            if self.processes:
                # forkserver: children start from a clean process, not a copy of our threads.
                context = multiprocessing.get_context("forkserver")
                os.environ[PARENT_ENV] = str(os.getpid())  # the forkserver checks it is ours
                # The forkserver runs `python -c`, whose sys.path starts with the current folder
                # (multiprocessing does not pass ours on): run from a folder holding a `scraper/`
                # (where a clone leaves you), it imported that instead and every page failed.
                os.environ["PYTHONSAFEPATH"] = "1"
                context.set_forkserver_preload(["scraper.runners._forkserver_preload"])
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=die_with_parent
                )
            else:
                self._pool = ThreadPoolExecutor(self.workers)
        return self._pool

    async def __call__(
        self,
        page: str | bytes,
        url: str,
        entry: FeedEntry | None = None,
        source: Source | None = None,
        content_type: str | None = None,
    ) -> Article:
        loop = asyncio.get_running_loop()
        if self._gate is None:
            self._gate = asyncio.Semaphore(self._slots)
        async with self._gate:
            return await loop.run_in_executor(
                self._executor(), partial(extract_page, page, url, entry, source, content_type)
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

"""The daemon's extraction stage: pages a poll fetched wait here for a few tasks that extract,
dedupe and store them.

A poll ends once its feed is read and its new pages are fetched (and written to WARC): a backlog
of extraction (a first start over hundreds of sources, a burst of news) never holds a poll's
slot nor makes the next poll of any source late. A waiting page is only the place of its bytes
in the WARC files (a page job, `scraper.pipeline.page_jobs`, as the cluster's `extract` jobs), so a backlog holds
no page in memory. Each page handed over is also noted in a journal in the archive, and its end
too: pages still waiting when the daemon stops (or is killed) are in WARC but not yet in the
index, and the next start queues them again from the journal (a feed that answers 304 would
never list them again).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from scraper.errors import ScraperError
from scraper.logs import event
from scraper.models import Exchange, FeedEntry, Source
from scraper.pipeline.core import Pipeline
from scraper.pipeline.page_jobs import page_job

log = logging.getLogger("scraper.daemon")

# A source's name, its pages' keys and jobs, what the item waits for before it starts, and
# what it sets once done (a group of first pages: the source's later pages wait for it).
Item = tuple[str, list[str], list[dict[str, Any]], "asyncio.Event | None", "asyncio.Event | None"]


class PageQueue:
    """The daemon's `PageHandoff`: pages wait here; `start` runs the tasks that archive them."""

    def __init__(
        self,
        sources: Callable[[], Mapping[str, Source]],
        tasks: int,
        on_stored: Callable[[], None] | None = None,
        journal: Path | None = None,
        *,
        learns_groups: bool = True,
    ) -> None:
        self.sources = sources
        self.tasks = tasks
        self.on_stored = on_stored  # after each page stored (the daemon re-indexes soon)
        self.learns_groups = learns_groups
        self._pipeline: Pipeline | None = None  # given by `start`
        # Each item's pages are extracted and learned together: one page, or a new source's
        # first few (`handoff_group`); a page queued after those waits until they are learned.
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._waiting: set[str] = set()  # keys (URL, or article id for a revisit) queued or busy
        self._workers: list[asyncio.Task[None]] = []
        self._stopping = False
        self.journal = journal
        self._notes: Any = None  # the journal, open for appending
        # Per source, its latest group of first pages not learned yet: its later pages wait
        # for it, so that none is cleaned before the template is known.
        self._learning: dict[str, asyncio.Event] = {}

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline that archives the pages: the one this queue was started with."""
        if self._pipeline is None:
            raise RuntimeError("the page queue is not started")
        return self._pipeline

    @property
    def backlog(self) -> int:
        return len(self._waiting)

    async def handoff(self, source: Source, exchange: Exchange, entry: FeedEntry | str) -> None:
        key = entry if isinstance(entry, str) else entry.url
        if key in self._waiting:
            return
        job = page_job(exchange, entry)
        self._note({"key": key, "source": source.name, "job": job})
        self._waiting.add(key)
        self._queue.put_nowait((source.name, [key], [job], self._learning.get(source.name), None))

    async def handoff_group(self, source: Source, pages: list[tuple[Exchange, FeedEntry]]) -> None:
        """Queue a new source's first pages as one item, learned together when extracted (each
        is noted in the journal on its own: after a restart they are queued one by one)."""
        keys, jobs = [], []
        for exchange, entry in pages:
            if entry.url in self._waiting or entry.url in keys:
                continue
            job = page_job(exchange, entry)
            self._note({"key": entry.url, "source": source.name, "job": job})
            keys.append(entry.url)
            jobs.append(job)
        if keys:
            self._waiting.update(keys)
            learned = self._learning[source.name] = asyncio.Event()
            self._queue.put_nowait((source.name, keys, jobs, None, learned))

    async def pending(self, urls: list[str]) -> set[str]:
        return {url for url in urls if url in self._waiting}

    def start(self, pipeline: Pipeline) -> int:
        """Queue again what the journal says is still waiting, then start archiving them with
        `pipeline` (the one this queue is the hand-off of); returns how many."""
        self._pipeline = pipeline
        waiting: dict[str, dict[str, Any]] = {}
        if self.journal is not None and self.journal.exists():
            for line in self.journal.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    note = json.loads(line)
                except ValueError:
                    continue  # a line cut by a kill
                if "done" in note:
                    waiting.pop(str(note["done"]), None)
                elif isinstance(note, dict) and {"key", "source", "job"} <= note.keys():
                    waiting[str(note["key"])] = note
        if self.journal is not None:
            from scraper.files import atomic_write

            atomic_write(self.journal, "".join(json.dumps(n) + "\n" for n in waiting.values()))
            self._notes = self.journal.open("a", encoding="utf-8")
        for key, note in waiting.items():
            self._waiting.add(key)
            self._queue.put_nowait((str(note["source"]), [key], [note["job"]], None, None))
        if waiting:
            event(
                log,
                logging.INFO,
                None,
                None,
                "pages fetched before the last stop queued again for extraction",
                pages=len(waiting),
            )
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.tasks)]
        return len(waiting)

    def _note(self, note: dict[str, Any]) -> None:
        if self._notes is not None:
            self._notes.write(json.dumps(note) + "\n")
            self._notes.flush()

    async def stop(self, timeout: float) -> int:
        """Finish the pages being extracted (within `timeout`); returns how many were left."""
        self._stopping = True
        for _ in self._workers:
            self._queue.put_nowait(("", [], [], None, None))  # wakes each idle task: to stop
        _, late = await asyncio.wait(self._workers, timeout=timeout) if self._workers else ((), ())
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        left = len(self._waiting)
        if self._pipeline is not None:
            self._pipeline.save_models()
        if self._notes is not None:
            self._notes.close()
            self._notes = None
        if left:
            event(
                log,
                logging.INFO,
                None,
                None,
                "pages fetched but not extracted yet are left for the next start",
                pages=left,
            )
        return left

    async def _work(self) -> None:
        while not self._stopping:
            name, keys, jobs, after, learned = await self._queue.get()
            if self._stopping or not name:
                return
            source = self.sources().get(name)
            url = jobs[0].get("url") if len(jobs) == 1 else None
            try:
                if after is not None:
                    await after.wait()  # the source's first pages, queued before, are learned
                if source is not None:  # (None: removed by a reload meanwhile)
                    await self._archive(source, jobs)
                    if self.on_stored is not None:
                        self.on_stored()
            except Exception as error:  # noqa: BLE001 - one page never stops the stage
                event(log, logging.ERROR, name, url, f"extraction stage: {error!r}")
            finally:
                if learned is not None:  # the group is learned (or failed): the rest may go
                    learned.set()
                    if self._learning.get(name) is learned:
                        del self._learning[name]
            # Not reached when cancelled at shutdown: the pages stay in the journal.
            for key in keys:
                self._waiting.discard(key)
                self._note({"done": key})
            if self._queue.empty():  # a lull: what was learned is written back
                self.pipeline.save_models()

    async def _archive(self, source: Source, jobs: list[dict[str, Any]]) -> None:
        """Read the pages' bytes back from WARC; extract, clean and store them (a group's pages
        learned together; one that cannot be read is logged and the others go on)."""
        pages = []
        for job in jobs:
            try:
                entry, exchange = await self.pipeline.read_handed_off(job)
            except ScraperError as error:
                if len(jobs) == 1:
                    raise
                event(
                    log,
                    logging.ERROR,
                    source.name,
                    job.get("url"),
                    f"extraction stage: cannot read the fetched page: {error}",
                )
                continue
            if isinstance(entry, str) or len(jobs) == 1:  # a revisit, or one page alone
                await self.pipeline.archive_handed_off(source, exchange, entry)
            else:
                pages.append((entry, exchange))
        if not pages:
            return
        try:
            await self.pipeline.archive_pages(source, pages)
        except Exception as error:  # noqa: BLE001 - then each on its own: the rest go on
            event(
                log,
                logging.ERROR,
                source.name,
                None,
                f"extraction stage: {error!r}; its pages are taken one by one",
            )
            for entry, exchange in pages:  # (any stored already is found, and left alone)
                try:
                    await self.pipeline.archive_page(source, entry, exchange)
                except Exception as failure:  # noqa: BLE001
                    event(
                        log, logging.ERROR, source.name, entry.url, f"extraction stage: {failure!r}"
                    )

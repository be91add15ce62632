"""The cluster's `PageHandoff`: a fetched page becomes an `extract` job, which a worker serving
that queue runs (`Runtime.extract`) on the archive's shared volume."""

from __future__ import annotations

from typing import Any

from procrastinate import App, exceptions
from psycopg_pool import AsyncConnectionPool

from scraper.models import Exchange, FeedEntry, Source
from scraper.pipeline.page_jobs import page_job

NAMESPACE = "scraper"  # task names are "scraper:poll", ...
# Extract jobs keep their queueing lock while running; a 'todo' one is found by its unique index.
PENDING = (
    "SELECT queueing_lock FROM procrastinate_jobs WHERE queueing_lock = ANY(%s) "
    "AND status IN ('todo', 'doing')"
)


class ExtractJobs:
    """Hands fetched pages on as `extract` jobs; each is extracted and learned on its own."""

    learns_groups = False

    def __init__(self, app: App, pool: AsyncConnectionPool[Any]) -> None:
        self.app = app
        self.pool = pool

    async def handoff(self, source: Source, exchange: Exchange, entry: FeedEntry | str) -> None:
        """Queue a fetched page for the `extract` tier ; a page queued
        already (a poll run twice) is not queued again."""
        deferrer = self.app.tasks[f"{NAMESPACE}:extract"]
        key = entry if isinstance(entry, str) else entry.url
        try:
            await deferrer.configure(queueing_lock=f"extract:{key}").defer_async(
                source=source.name, page=page_job(exchange, entry)
            )
        except exceptions.AlreadyEnqueued:
            return

    async def pending(self, urls: list[str]) -> set[str]:
        """The pages among `urls` queued for extraction or being extracted :
        a poll does not fetch them again."""
        async with self.pool.connection() as conn:
            cursor = await conn.execute(PENDING, ([f"extract:{url}" for url in urls],))
            return {row[0].removeprefix("extract:") for row in await cursor.fetchall()}

    async def handoff_group(self, source: Source, pages: list[tuple[Exchange, FeedEntry]]) -> None:
        """Each page its own job (`learns_groups` is False: the pipeline does not ask)."""
        for exchange, entry in pages:
            await self.handoff(source, exchange, entry)

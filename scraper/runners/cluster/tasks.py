"""The queue's tasks: thin wrappers that hand each job to the worker's `Runtime`.

Queues: `poll` (the tick, source polls, stalled-job recovery), `fetch` (article revisits) and
`extract` (pages fetched by a worker that does not serve `extract` itself, extracted and stored
by one that does; a worker serving both extracts its pages in its own process pool).
Periodic tasks are deferred by every worker's scheduler; procrastinate records each
(task, timestamp) once in `procrastinate_periodic_defers`, but keeps only the latest row per
task, so a worker whose scheduler lags (a busy machine) defers timestamps already run elsewhere
again. Each periodic job therefore first claims its timestamp (`Runtime.first_run`): the same
tick never runs twice, whichever worker is late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procrastinate import Blueprint, JobContext

if TYPE_CHECKING:
    from scraper.runners.cluster.runtime import Runtime

TICK_CRON = "* * * * * */2"  # claim due sources every 2 s
RECOVER_CRON = "* * * * * */3"  # look for jobs of dead workers every 3 s
REVISIT_CRON = "* * * * * */5"  # claim due revisits every 5 s
SITE_CRON = "* * * * *"  # bring the browse site and the replay index up to date every minute

blueprint = Blueprint()


def _runtime(context: JobContext) -> Runtime:
    return context.additional_context["scraper"]  # type: ignore[no-any-return]


@blueprint.periodic(cron=TICK_CRON)
@blueprint.task(name="tick", queue="poll", pass_context=True, queueing_lock="tick")
async def tick(context: JobContext, timestamp: int) -> None:
    """Claim the sources due a poll and defer a `poll` job for each."""
    if await _runtime(context).first_run("tick", timestamp):
        await _runtime(context).tick()


@blueprint.task(name="poll", queue="poll", pass_context=True)
async def poll(context: JobContext, source: str) -> None:
    await _runtime(context).poll(source)


@blueprint.task(name="extract", queue="extract", pass_context=True)
async def extract(context: JobContext, source: str, page: dict[str, Any]) -> None:
    """Extract, clean and store one page a poll fetched (its bytes in the shared WARC files)."""
    await _runtime(context).extract(source, page)


@blueprint.periodic(cron=REVISIT_CRON)
@blueprint.task(name="revisits", queue="fetch", pass_context=True, queueing_lock="revisits")
async def revisits(context: JobContext, timestamp: int) -> None:
    """Claim the articles due a revisit and defer a `revisit` job for each."""
    if await _runtime(context).first_run("revisits", timestamp):
        await _runtime(context).claim_revisits()


@blueprint.task(name="revisit", queue="fetch", pass_context=True)
async def revisit(context: JobContext, article: str) -> None:
    await _runtime(context).revisit(article)


@blueprint.periodic(cron=RECOVER_CRON)
@blueprint.task(name="recover", queue="poll", pass_context=True, queueing_lock="recover")
async def recover(context: JobContext, timestamp: int) -> None:
    """Give the jobs of workers that stopped heart-beating to the living (never `lock=`: a
    lock would be held by the very jobs that are stuck)."""
    if await _runtime(context).first_run("recover", timestamp):
        await _runtime(context).recover()


@blueprint.periodic(cron=SITE_CRON)
@blueprint.task(name="site", queue="fetch", pass_context=True, queueing_lock="site", lock="site")
async def site(context: JobContext, timestamp: int) -> None:
    """Update the browse site and the replay index when articles changed (one at a time
    cluster-wide: `lock`; a dead worker's lock is freed by `recover`, which takes none)."""
    if await _runtime(context).first_run("site", timestamp):
        await _runtime(context).update_site()

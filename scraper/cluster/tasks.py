"""The queue's tasks: thin wrappers that hand each job to the worker's `Runtime`.

Queues: `poll` (the tick, source polls, stalled-job recovery), `fetch` (article revisits) and
`extract` (named for the contract; extraction runs in each worker's own process pool).
Periodic tasks are deferred by every worker's scheduler; procrastinate records each
(task, timestamp) once (`procrastinate_periodic_defers`), so each tick runs once cluster-wide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from procrastinate import Blueprint, JobContext

if TYPE_CHECKING:
    from scraper.cluster.runtime import Runtime

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
    await _runtime(context).tick()


@blueprint.task(name="poll", queue="poll", pass_context=True)
async def poll(context: JobContext, source: str) -> None:
    await _runtime(context).poll(source)


@blueprint.periodic(cron=REVISIT_CRON)
@blueprint.task(name="revisits", queue="fetch", pass_context=True, queueing_lock="revisits")
async def revisits(context: JobContext, timestamp: int) -> None:
    """Claim the articles due a revisit and defer a `revisit` job for each."""
    await _runtime(context).claim_revisits()


@blueprint.task(name="revisit", queue="fetch", pass_context=True)
async def revisit(context: JobContext, article: str) -> None:
    await _runtime(context).revisit(article)


@blueprint.periodic(cron=RECOVER_CRON)
@blueprint.task(name="recover", queue="poll", pass_context=True, queueing_lock="recover")
async def recover(context: JobContext, timestamp: int) -> None:
    """Give the jobs of workers that stopped heart-beating to the living (never `lock=`: a
    lock would be held by the very jobs that are stuck)."""
    await _runtime(context).recover()


@blueprint.periodic(cron=SITE_CRON)
@blueprint.task(name="site", queue="fetch", pass_context=True, queueing_lock="site", lock="site")
async def site(context: JobContext, timestamp: int) -> None:
    """Update the browse site and the replay index when articles changed (one at a time
    cluster-wide: `lock`; a dead worker's lock is freed by `recover`, which takes none)."""
    await _runtime(context).update_site()

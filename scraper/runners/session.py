"""The one place a runner opens its session: the archive, a fetcher with its browser renderer,
the extraction processes, the notifier, and the pipeline built on them.

`fetch` (once), the daemon and the cluster's workers each open one and drive its pipeline;
they differ only in what they pass: where pages are handed on, what to do on each article,
the cluster's host limiter, how long notifications may take to go out at the end.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from scraper.clock import utcnow
from scraper.config.settings import Config
from scraper.fetch.fetcher import Fetcher
from scraper.fetch.politeness import HostLimiter
from scraper.fetch.render import PageRenderer
from scraper.models import StoredArticle
from scraper.outputs.notify import Notifier
from scraper.pipeline.core import Pipeline
from scraper.pipeline.handoff import PageHandoff
from scraper.runners.extract_pool import Extractor
from scraper.store.archive import Archive


@dataclass(frozen=True)
class Session:
    """What a runner works with, open."""

    config: Config
    archive: Archive
    fetcher: Fetcher
    extractor: Extractor
    notifier: Notifier
    pipeline: Pipeline


@contextlib.asynccontextmanager
async def open_session(
    config: Config,
    *,
    archive: Archive | None = None,
    extractor: Extractor | None = None,
    handoff: PageHandoff | None = None,
    limiter: HostLimiter | None = None,
    on_article: Callable[[StoredArticle], None] | None = None,
    on_version: Callable[[StoredArticle, str], None] | None = None,
    drain: float = 0.0,
) -> AsyncIterator[Session]:
    """Open a session on the archive `config` names; everything it opened is closed on the way
    out (an archive or extractor passed in stays the caller's), after the notifications still
    queued are given `drain` seconds to go out."""
    own_archive, own_extractor = archive is None, extractor is None
    archive = archive or Archive(config)
    extractor = extractor or Extractor()
    notifier = Notifier(config.notify)
    notifier.start()
    try:
        async with (
            Fetcher(config.http, archive.store, archive.warc, limiter=limiter) as fetcher,
            PageRenderer(fetcher, config.browser) as renderer,
        ):
            pipeline = Pipeline(
                fetcher,
                archive.store,
                archive.tree,
                extractor,
                utcnow,
                schedule=config.daemon,
                revisits=config.versions.revisits,
                renderer=renderer,
                handoff=handoff,
                notify=notifier.emit,
                on_article=on_article,
                on_version=on_version,
            )
            yield Session(config, archive, fetcher, extractor, notifier, pipeline)
    finally:
        await notifier.drain(drain)
        if own_extractor:
            extractor.close()
        if own_archive:
            archive.close()

"""The one way a poll hands its fetched pages on to be extracted elsewhere.

A poll that hands pages on ends once its listing is read and its new pages are fetched (and in
WARC): the daemon's page queue (`scraper.runners.page_queue`) and the cluster's `extract` jobs
(`scraper.runners.cluster.queue`) both implement `PageHandoff`, and the pipeline is given one at
construction, or none: then it extracts every page itself, in this process.
"""

from __future__ import annotations

from typing import Protocol

from scraper.models import Exchange, FeedEntry, Source


class PageHandoff(Protocol):
    """Where fetched pages go to be extracted, cleaned and stored (`Pipeline.archive_handed_off`
    runs there)."""

    # Whether pages handed on together (`handoff_group`) are learned together there: a new
    # source's first pages, so that none is cleaned before its template is known.
    learns_groups: bool

    async def handoff(self, source: Source, exchange: Exchange, entry: FeedEntry | str) -> None:
        """Hand on one page: a new one (its feed entry) or a revisit (the article's id)."""
        ...

    async def handoff_group(self, source: Source, pages: list[tuple[Exchange, FeedEntry]]) -> None:
        """Hand on a new source's first pages, to be learned together."""
        ...

    async def pending(self, urls: list[str]) -> set[str]:
        """The pages among `urls` handed on already and not stored yet: not fetched again."""
        ...

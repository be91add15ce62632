"""Where the archive lives: the index (behind the `Store` interface), the browsable tree, WARC."""

from scraper.store.base import FetchRecord, HostHold, RobotsRecord, SourceState, Store

__all__ = ["FetchRecord", "HostHold", "RobotsRecord", "SourceState", "Store"]

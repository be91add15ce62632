"""Each source's boilerplate model, held in memory while its pages are stored.

A model is read from the index once, taught page by page, and written back every few pages and
when a poll ends (`save`), not read and written around every page: with up to 5,000 line counts
that round trip cost more than the cleaning it serves. Held models are few (least recently used
go first) and age out, so several processes sharing one index (the daemon's stage, a cluster's
workers) read each other's learning again before long. Learning lost to a kill is at most a few
pages': the model is a heuristic over the archive, rebuilt as pages come.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from scraper.extract.boilerplate import BoilerplateModel
from scraper.store.base import Store

SAVE_EVERY = 32  # pages taught before the model is written back (it is ~150 kB of JSON)
HELD = 64  # models held at most
MAX_AGE = 300.0  # seconds a held model is used before it is read again


@dataclass
class _Held:
    model: BoilerplateModel
    loaded: float
    unsaved: int = 0


class SourceModels:
    """`models.get(name)` -> the source's model; `models.taught(name, n)` after teaching it."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.clock = clock
        self._held: OrderedDict[str, _Held] = OrderedDict()

    def get(self, source: str) -> BoilerplateModel:
        held = self._held.get(source)
        if held is not None and self.clock() - held.loaded > MAX_AGE:
            self.save(source)
            del self._held[source]
            held = None
        if held is None:
            data = self.store.get_boilerplate(source)
            model = BoilerplateModel.from_json(data) if data else BoilerplateModel()
            held = self._held[source] = _Held(model, self.clock())
            while len(self._held) > HELD:
                oldest = next(iter(self._held))
                self.save(oldest)
                del self._held[oldest]
        self._held.move_to_end(source)
        return held.model

    def taught(self, source: str, pages: int) -> None:
        """Note `pages` pages taught to the held model; write it back every `SAVE_EVERY`."""
        held = self._held.get(source)
        if held is None or pages <= 0:
            return
        held.unsaved += pages
        if held.unsaved >= SAVE_EVERY:
            self.save(source)

    def save(self, source: str | None = None) -> None:
        """Write back what was taught and not saved yet: one source's model, or all."""
        names = [source] if source is not None else list(self._held)
        for name in names:
            held = self._held.get(name)
            if held is not None and held.unsaved:
                self.store.set_boilerplate(name, held.model.to_json())
                held.unsaved = 0

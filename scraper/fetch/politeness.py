"""Per-host politeness: a bound on requests in flight per host, a minimum gap between their starts,
and a global bound on concurrency, while many hosts proceed in parallel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Host:
    slots: asyncio.Semaphore
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class HostLimiter:
    """Hands out request slots so that no host sees more than `per_host` requests in flight, nor
    two request starts closer than its delay."""

    def __init__(
        self,
        per_host: int = 2,
        delay: float = 1.0,
        global_limit: int = 32,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_host = per_host
        self.delay = delay
        self._global = asyncio.Semaphore(global_limit)
        self._hosts: dict[str, _Host] = {}
        self._clock = clock

    def _host(self, host: str) -> _Host:
        if host not in self._hosts:
            self._hosts[host] = _Host(asyncio.Semaphore(self.per_host))
        return self._hosts[host]

    @asynccontextmanager
    async def slot(
        self, host: str, delay: float | None = None
    ) -> AsyncIterator[Callable[[], None]]:
        """Wait for this host's turn, then hold one of its slots (and a global one).

        Yields `sent`, to call when the request is on the wire: the host's next request may
        start `delay` seconds after that moment (if never called, after the slot is left).
        Until then the host's turn stays taken, so a slow connect can't shorten the gap.
        """
        state = self._host(host)
        gap = self.delay if delay is None else delay
        async with state.slots:
            await state.turn.acquire()
            released = False

            def sent() -> None:
                nonlocal released
                if not released:
                    released = True
                    state.next_start = self._clock() + gap
                    state.turn.release()

            try:
                wait = state.next_start - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._global.acquire()
                try:
                    yield sent
                finally:
                    self._global.release()
            finally:
                sent()

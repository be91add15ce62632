"""Notifications through Apprise: mail, Slack, Matrix, ntfy, JSON webhooks, and the rest.

Events are queued and sent by a background task, so a slow or failing receiver never stops or
slows the pipeline: each send runs in a thread with a timeout, failures are logged and retried
with backoff a bounded number of times, and a full queue drops the oldest event (logged).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from scraper.logs import event as log_event
from scraper.models import Notice, NotifyRule

log = logging.getLogger("scraper.notify")

QUEUE_SIZE = 1000
SEND_TIMEOUT = 15.0  # seconds one delivery may take before it counts as failed
RETRIES = 3
BACKOFF = 5.0


Sender = Callable[[NotifyRule, Notice], bool]


def apprise_send(rule: NotifyRule, note: Notice) -> bool:
    """Deliver through Apprise; True when every URL of the rule accepted it."""
    import apprise  # on first use: most runs notify no one, and it is slow to import

    client = apprise.Apprise()
    for url in rule.urls:
        client.add(url)
    return bool(client.notify(body=note.message(), title=note.heading()))


@dataclass
class Notifier:
    """Matches notices against the rules and delivers them in the background."""

    rules: tuple[NotifyRule, ...]
    send: Sender = apprise_send
    timeout: float = SEND_TIMEOUT
    backoff: float = BACKOFF
    _queue: asyncio.Queue[tuple[NotifyRule, Notice, int]] | None = None
    _worker: asyncio.Task[None] | None = None
    delivered: list[Notice] = field(default_factory=list)
    failed: list[Notice] = field(default_factory=list)

    def start(self) -> None:
        if self.rules and self._worker is None:
            self._queue = asyncio.Queue(QUEUE_SIZE)
            self._worker = asyncio.get_running_loop().create_task(self._run())

    def emit(self, note: Notice) -> None:
        """Queue a notice for every rule that wants it; never blocks."""
        if self._queue is None:
            return
        for rule in self.rules:
            if rule.wants(note):
                self._put((rule, note, 0))

    def _put(self, item: tuple[NotifyRule, Notice, int]) -> None:
        assert self._queue is not None
        if self._queue.full():
            dropped = self._queue.get_nowait()
            log_event(
                log,
                logging.WARNING,
                dropped[1].source,
                dropped[1].url,
                "notification dropped: the queue is full",
            )
        self._queue.put_nowait(item)

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            rule, note, attempt = await self._queue.get()
            try:
                ok = await asyncio.wait_for(asyncio.to_thread(self.send, rule, note), self.timeout)
            except Exception as error:  # noqa: BLE001 - a receiver's failure is only logged
                ok = False
                reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            else:
                reason = "the receiver refused it"
            if ok:
                self.delivered.append(note)
                log_event(log, logging.INFO, note.source, note.url, f"notified {note.event}")
            elif attempt + 1 < RETRIES:
                log_event(
                    log,
                    logging.WARNING,
                    note.source,
                    note.url,
                    f"notification failed ({reason}); retrying",
                )
                asyncio.get_running_loop().call_later(
                    self.backoff * 2**attempt, self._put, (rule, note, attempt + 1)
                )
            else:
                self.failed.append(note)
                log_event(
                    log,
                    logging.ERROR,
                    note.source,
                    note.url,
                    f"notification given up after {RETRIES} tries ({reason})",
                )

    async def drain(self, timeout: float) -> None:
        """Give queued notices up to `timeout` seconds to go out, then stop."""
        if self._queue is None or self._worker is None:
            return
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._queue.empty() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        self._worker.cancel()
        await asyncio.gather(self._worker, return_exceptions=True)
        self._worker = None

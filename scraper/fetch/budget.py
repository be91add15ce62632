"""A bound on the bytes of response bodies held at once, whatever the number of requests.

Each request may hold up to `max_body_size`, and up to `max_concurrency` run at once: over a
network of huge or never-ending answers that is hundreds of megabytes. Small pages (most
articles) always go through; a large body grows only while the bodies held together stay under
the budget, else its request fails as transient and the page is tried again later.
"""

from __future__ import annotations

from dataclasses import dataclass

LARGE = 1_000_000  # bytes: a body past this size grows only within the budget
MIN_BUDGET = 64_000_000


@dataclass
class BodyBudget:
    """Bytes of bodies held by the requests in flight (one event loop: no lock needed)."""

    total: int
    held: int = 0

    @classmethod
    def for_limit(cls, max_body_size: int) -> BodyBudget:
        """A budget that always lets one body of the largest allowed size through."""
        return cls(max(MIN_BUDGET, 2 * max_body_size))

    def take(self, mine: int, more: int) -> bool:
        """Whether a request holding `mine` bytes may hold `more` more (then they are held)."""
        if mine + more > LARGE and self.held + more > self.total:
            return False
        self.held += more
        return True

    def give_back(self, amount: int) -> None:
        self.held = max(0, self.held - amount)

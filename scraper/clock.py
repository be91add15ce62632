"""The wall clock, in one place: stages take a clock as an argument, and runners pass this one."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, aware and in UTC: every time the archive stores is one of these."""
    return datetime.now(UTC)

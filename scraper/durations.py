"""Human-written durations and sizes ("90s", "15m", "2h", "10MB") as used in the config."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    None: 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_duration(value: str | int | float) -> float:
    """Seconds in a duration such as "90s", "15m", "2h", "1d" (a bare number means seconds)."""
    if isinstance(value, bool):
        raise ValueError(f'expected a duration like "30m", got {value!r}')
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(f"a duration cannot be negative, got {value!r}")
        return float(value)
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f'expected a duration like "90s", "15m" or "2h", got {value!r}')
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


def parse_size(value: str | int) -> int:
    """Bytes in a size such as "10MB", "512KiB" (a bare number means bytes)."""
    if isinstance(value, bool):
        raise ValueError(f'expected a size like "10MB", got {value!r}')
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a size cannot be negative, got {value!r}")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError(f'expected a size like "10MB" or "512KiB", got {value!r}')
    unit = match.group(2).lower() if match.group(2) else None
    return int(float(match.group(1)) * _SIZE_UNITS[unit])


def format_duration(seconds: float) -> str:
    """The shortest readable form of a duration, for messages."""
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"

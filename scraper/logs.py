"""Log lines that always name the source and the URL, as text or as JSON (`--log-json`)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

NOISY = ("httpx", "httpcore", "trafilatura", "readability", "htmldate", "courlan", "apscheduler")


def event(
    logger: logging.Logger,
    level: int,
    source: str | None,
    url: str | None,
    message: str,
    **fields: Any,
) -> None:
    """Log one event about a source and a URL (either may be None for process-wide events)."""
    if logger.isEnabledFor(level):
        logger.log(level, message, extra={"source": source, "url": url, "fields": fields})


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        source = getattr(record, "source", None) or "-"
        url = getattr(record, "url", None) or "-"
        extra = getattr(record, "fields", None) or {}
        tail = "".join(f" {k}={v}" for k, v in extra.items())
        line = f"{when} {record.levelname:<7} {source} {url} {record.getMessage()}{tail}"
        if record.exc_info and record.levelno >= logging.DEBUG:
            line += " | " + repr(record.exc_info[1])
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "source": getattr(record, "source", None),
            "url": getattr(record, "url", None),
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            data["error"] = repr(record.exc_info[1])
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(level: int, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in NOISY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))

"""What the commands' arguments share: the flags every command takes, dates, and the config
file's own value checks (a value is refused on the command line as it would be in the file)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime


def add_common(parser: argparse.ArgumentParser) -> None:
    """`--config` and `-v`, which every command takes."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $SCRAPER_CONFIG, else config/scraper.toml)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log what happens (-vv for debug detail)"
    )


def date(text: str) -> datetime:
    """A day or a moment in ISO 8601; without a zone, UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-05-21, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def checked(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a config value parser (the same rules as the config file)."""

    def check(text: str) -> object:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check

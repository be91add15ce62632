"""`scraper run`: the archive's daemon, in the foreground until stopped."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "run"
HELP = "run the daemon: poll every source on its schedule until stopped"
DESCRIPTION = (
    "Run in the foreground as the archive's daemon: each source is polled at its interval "
    "(adapted to how active it is), sources due at start are polled at once, and state "
    "survives restarts. SIGINT/SIGTERM stop it cleanly; SIGHUP reloads the config. "
    "One daemon per archive."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log-json", action="store_true", help="log one JSON object per line")


def run(args: argparse.Namespace) -> int:
    from scraper.runners.daemon import run_daemon

    return run_daemon(Path(args.config) if args.config else None)

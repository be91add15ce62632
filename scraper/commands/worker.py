"""`scraper worker`: one worker of a cluster sharing a PostgreSQL index."""

from __future__ import annotations

import argparse

from scraper.commands import context
from scraper.commands.arguments import checked
from scraper.config.settings import positive_int

NAME = "worker"
HELP = "serve the work queue: poll sources with other workers, on any machine"
DESCRIPTION = (
    "Run one worker of a cluster sharing the [index] PostgreSQL database (and the archive "
    "folder, on a shared volume): sources due are claimed by a periodic tick and polled by "
    "whichever worker is free, with per-host limits held across all workers. SIGINT/SIGTERM "
    "stop it cleanly. Start one or more on each machine (see Scaling out)."
)


def queues(text: str) -> tuple[str, ...]:
    """The queue names, as the worker checks them (imported only when given)."""
    from scraper.runners.cluster.worker import parse_queues

    return parse_queues(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--queues",
        type=checked(queues),
        default=("poll", "fetch", "extract"),
        metavar="poll,fetch,extract",
        help="the queues this worker serves (default: all three)",
    )
    parser.add_argument(
        "--concurrency",
        type=checked(positive_int),
        metavar="N",
        help="jobs run at once (default: [daemon] concurrency)",
    )
    parser.add_argument("--log-json", action="store_true", help="log one JSON object per line")


def run(args: argparse.Namespace) -> int:
    from scraper.runners.cluster.worker import run_worker

    return run_worker(context.config(args), args.queues, args.concurrency)

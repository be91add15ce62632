"""The command line: the parser assembled from `scraper.commands` (one module per command),
and whatever stops a command turned into one line and an exit status."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from scraper import __version__
from scraper.commands import COMMANDS, context
from scraper.commands.arguments import add_common
from scraper.errors import ConfigError, ScraperError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scraper",
        description="Archive news feeds: fetch politely, extract articles, keep every version.",
    )
    parser.add_argument("--version", action="version", version=f"scraper {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.NAME, help=command.HELP, description=command.DESCRIPTION)
        add_common(sub)
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    context.setup_logging(args)
    try:
        return int(args.handler(args))
    except ScraperError as error:  # a bad config or command line is a usage error
        print(f"error: {error}", file=sys.stderr)
        return context.EXIT_USAGE if isinstance(error, ConfigError) else context.EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return context.EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return context.EXIT_OK
    except Exception as error:  # noqa: BLE001 - a bug must still read as one line
        print(
            f"error: unexpected {type(error).__name__}: {error} (a bug: please report it; "
            "-vv shows the traceback)",
            file=sys.stderr,
        )
        if args.verbose >= 2:
            import traceback

            traceback.print_exc()
        return context.EXIT_FAILED
    finally:
        context.close_stores()


def console() -> NoReturn:
    """The `scraper` command: `main`, then an exit that skips tearing the interpreter down.

    By then `main` has closed the archive, the index and the extraction processes; what is left
    is freeing the loaded libraries' objects one by one (lxml, numpy, httpx, ...), 0.2-0.3 s
    that a user or a script waits for after each fetch. Logs and output are flushed first.
    """
    code = main()
    reap_forkserver()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def reap_forkserver() -> None:
    """Stop the extraction processes' forkserver and wait for it: it is shared by every pool of
    the process, so it outlives `main`. Reaped, nothing of ours outlives the command, and the
    CPU of the extraction processes (the forkserver reaps them) is counted with the command's by
    whoever waits for it (`time`, wait4)."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        with contextlib.suppress(Exception):  # it may never have started, or be gone already
            stop()


if __name__ == "__main__":
    sys.exit(main())

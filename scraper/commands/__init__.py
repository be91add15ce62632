"""The command line's commands: one module per command, each its arguments, its run and its
rendering; `scraper.cli` only assembles them, in the order of `COMMANDS`.

A command module names itself (`NAME`, `HELP` for the list of commands, `DESCRIPTION` for its
own --help), adds its arguments and runs. It imports at its top only what building the parser
needs; the stages it drives are imported when it runs, so `scraper --help` and the look-ups do
not wait for numpy, lxml or httpx. Shared: `arguments` (flags and value types), `context` (the
config, the store, logging, exit statuses). Work no stage owns lives beside the commands that
need it: `discover` (add), `consistency` (verify), `history` (diff, compare).
"""

from __future__ import annotations

import argparse
from typing import Protocol

from scraper.commands import (
    add,
    build_site,
    compare,
    diff,
    export,
    export_opml,
    extract,
    fetch,
    import_opml,
    listing,
    migrate,
    prune,
    run,
    search,
    serve,
    show,
    status,
    stories,
    verify,
    worker,
)


class Command(Protocol):
    NAME: str
    HELP: str
    DESCRIPTION: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...
    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: tuple[Command, ...] = (
    fetch,
    run,
    worker,
    status,
    listing,
    show,
    stories,
    export,
    search,
    diff,
    add,
    import_opml,
    export_opml,
    build_site,
    serve,
    verify,
    compare,
    prune,
    migrate,
    extract,
)

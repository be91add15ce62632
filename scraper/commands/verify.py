"""`scraper verify`: check that the archive agrees with itself, and say what does not."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from scraper.commands import context
from scraper.commands.context import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from scraper.commands.consistency import VerifyReport

NAME = "verify"
HELP = "check that the index, the article files and the WARC files agree"
DESCRIPTION = (
    "Check the archive: index integrity, every article's files, every logged WARC record, "
    "the replay (CDXJ) index. Exit 0 when consistent, 1 when a problem is found. Leftovers "
    "of an interrupted run are notes, removed with --repair."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repair",
        action="store_true",
        help="remove leftovers of interrupted runs (orphan folders, temp files); "
        "rebuild a replay index that disagrees with the WARC files",
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")


def run(args: argparse.Namespace) -> int:
    from scraper.commands.consistency import verify_archive

    report = verify_archive(context.config(args), repair=args.repair)
    if args.json:
        print(json.dumps(report.__dict__ | {"ok": report.ok}, indent=2))
    else:
        print(render_report(report))
    return EXIT_OK if report.ok else EXIT_FAILED


def render_report(report: VerifyReport) -> str:
    lines = [
        f"{report.articles} articles, {report.versions} versions, {report.warc_files} WARC files, "
        f"{report.warc_records} logged WARC records checked",
    ]
    lines += [f"problem: {p}" for p in report.problems]
    lines += [f"note: {n}" for n in report.notes]
    lines += [f"repaired: {r}" for r in report.repaired]
    lines += [f"not archived yet: {u}" for u in report.unarchived]
    lines.append("consistent" if report.ok else f"{len(report.problems)} problem(s) found")
    return "\n".join(lines)

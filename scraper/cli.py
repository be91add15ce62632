"""The command line: argument parsing only; each command's work lives in its own module."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from scraper import __version__
from scraper.config.settings import Config, identifier, load_config, positive_int, postgres_url
from scraper.errors import ConfigError, ScraperError

if TYPE_CHECKING:
    from scraper.store.base import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-05-21, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _checked(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a config value parser (the same rules as the config file)."""

    def check(text: str) -> object:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check


def _queues(text: str) -> tuple[str, ...]:
    from scraper.runners.cluster.worker import parse_queues

    return parse_queues(text)


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


_opened: list[Store] = []  # closed when the command ends (a PostgreSQL pool has threads)


def _open_store(args: argparse.Namespace) -> Store:
    from scraper.store import open_store

    store = open_store(_config(args))
    _opened.append(store)
    return store


# -- commands ---------------------------------------------------------------------------------
def cmd_fetch(args: argparse.Namespace) -> int:
    from scraper.progress import Progress
    from scraper.runners.once import fetch_once

    config = _config(args)
    sources = list(config.sources)
    if args.source:
        sources = [config.source(name) for name in args.source]
    if not sources:
        print(f"{config.file}: no sources configured", file=sys.stderr)
        return EXIT_FAILED
    progress = Progress(len(sources))
    reports = asyncio.run(
        fetch_once(config, sources, force=args.force, revisit=args.revisit, progress=progress)
    )
    failed = False
    for report in reports:
        print(report.summary())
        for warning in report.warnings:
            print(f"warning: {report.source}: {report.feed_url}: {warning}", file=sys.stderr)
        if report.error:
            print(f"error: {report.source}: {report.feed_url}: {report.error}", file=sys.stderr)
        for problem in report.failures:
            print(f"error: {report.source}: {problem.url}: {problem.reason}", file=sys.stderr)
        for problem in report.skipped:
            print(f"skipped: {report.source}: {problem.url}: {problem.reason}", file=sys.stderr)
        failed |= not report.ok
    return EXIT_FAILED if failed else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from scraper.runners.daemon import run_daemon

    return run_daemon(Path(args.config) if args.config else None)


def cmd_worker(args: argparse.Namespace) -> int:
    from scraper.runners.cluster.worker import run_worker

    return run_worker(_config(args), args.queues, args.concurrency)


def cmd_status(args: argparse.Namespace) -> int:
    from scraper.commands.status import collect_status, render_status

    status = collect_status(_config(args))
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        print(render_status(status))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from scraper.models import article_record

    store = _open_store(args)
    articles = list(store.iter_articles(source=args.source, newest_first=True, limit=args.limit))
    if args.json:
        for article in articles:
            record = article_record(article)
            record.pop("text")
            print(json.dumps(record, ensure_ascii=False))
        return EXIT_OK
    for a in articles:
        date = (a.published or a.first_seen).strftime("%Y-%m-%d")
        print(f"{a.id}  {date}  {a.source:<16.16}  {(a.title or a.url)[:90]}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from scraper.models import article_record
    from scraper.store.tree import render_markdown

    store = _open_store(args)
    article = store.get_article(args.article)
    if article is None:
        print(f"error: no archived article {args.article!r}", file=sys.stderr)
        return EXIT_FAILED
    story = store.story(article.story_id)
    members = [m for m in story.members if m.id != article.id] if story else []
    original = story.original_member() if story else None
    if args.json:
        record = article_record(article)
        record["path"] = article.path
        record["markdown"] = article.markdown
        record["story"] = {
            "original": original.url if original else None,
            "reason": story.original.reason if story and story.original else None,
            "tie": bool(story and story.original and story.original.tie),
            "others": [{"id": m.id, "url": m.url, "source": m.source} for m in members],
        }
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(render_markdown(article), end="")
    print(f"\n(folder: {article.path})")
    if members and story is not None:
        why = story.original.reason if story.original else "?"
        tie = (
            " (a tie: " + ", ".join(story.original.tied) + ")"
            if (story.original and story.original.tie)
            else ""
        )
        print(f"\nalso published at ({len(members)} other copies):")
        for member in members:
            mark = "  <- the original" if original and member.id == original.id else ""
            print(f"  {member.id}  {member.source}  {member.url}{mark}")
        if original and original.id == article.id:
            print(f"this article is the original ({why}){tie}")
        elif original:
            print(f"the original was chosen because: {why}{tie}")
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    store = _open_store(args)
    views = store.stories(limit=args.limit)
    for view in views:
        original = view.original_member()
        choice = view.original
        if args.json:
            print(
                json.dumps(
                    {
                        "story_id": view.id,
                        "original": original.url if original else None,
                        "reason": choice.reason if choice else None,
                        "tie": bool(choice and choice.tie),
                        "members": [
                            {"id": m.id, "url": m.url, "source": m.source, "title": m.title}
                            for m in view.members
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            continue
        tie = ", a tie" if choice and choice.tie else ""
        print(
            f"{view.id}  {len(view.members)} copies  original: "
            f"{original.url if original else '?'} ({choice.reason if choice else '?'}{tie})"
        )
        for member in view.members:
            mark = "*" if original and member.id == original.id else " "
            print(f"   {mark} {member.source:<16.16} {member.url}")
    if not views and not args.json:
        print("no story has more than one article yet", file=sys.stderr)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from scraper.models import article_record

    store = _open_store(args)
    color = sys.stdout.isatty() and not args.json
    marks = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    hits = store.search(
        " ".join(args.query),
        source=args.source,
        since=args.since,
        until=args.until,
        limit=args.limit,
        marks=marks,
    )
    for hit in hits:
        if args.json:
            record = article_record(hit.article)
            record.pop("text")
            record.update(snippet=hit.snippet, rank=round(hit.rank, 4))
            print(json.dumps(record, ensure_ascii=False))
        else:
            a = hit.article
            date = (a.published or a.first_seen).strftime("%Y-%m-%d")
            print(f"{a.id}  {date}  {a.source}  {a.title or a.url}")
            print(f"    {' '.join(hit.snippet.split())}")
    if not hits and not args.json:
        print("no match", file=sys.stderr)
    return EXIT_OK if hits else EXIT_FAILED


def cmd_diff(args: argparse.Namespace) -> int:
    from scraper.commands.history import diff_versions

    store = _open_store(args)
    color = sys.stdout.isatty() and not args.no_color and not args.unified
    print(
        diff_versions(store, args.article, args.v1, args.v2, color=color, unified=args.unified),
        end="",
    )
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from scraper.commands.history import compare_articles

    store = _open_store(args)
    color = sys.stdout.isatty() and not args.no_color and not args.unified
    print(
        compare_articles(store, args.first, args.second, color=color, unified=args.unified), end=""
    )
    return EXIT_OK


def cmd_prune(args: argparse.Namespace) -> int:
    from scraper.store.prune import prune

    config = _config(args)
    config.source(args.source)  # an unknown source is a usage error
    store = _open_store(args)
    plan = prune(store, config.archive.path, args.source, args.before, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for ident, url, folder in plan.articles:
        print(f"{verb} {ident} {url} ({folder})")
    print(
        f"{verb} {len(plan.articles)} articles of {args.source} first seen before "
        f"{args.before.date()}; WARC records are kept (WARC files are append-only)"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.format == "wacz":
        return _export_wacz(args)
    store = _open_store(args)
    if not args.output or args.output == "-":
        _export_text(args, store, sys.stdout)
        return EXIT_OK
    from scraper.files import atomic_text_file

    try:
        with atomic_text_file(Path(args.output)) as out:
            _export_text(args, store, out)
    except OSError as error:
        raise ScraperError(f"cannot write {args.output}: {error.strerror or error}") from None
    return EXIT_OK


def _export_text(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    from scraper.outputs.export import export_csv, export_jsonl, export_markdown

    if args.format == "csv":
        export_csv(store, out, source=args.source, since=args.since)
    elif args.format == "markdown":
        export_markdown(store, out, source=args.source, since=args.since)
    else:
        export_jsonl(
            store,
            out,
            versions=args.versions,
            source=args.source,
            since=args.since,
            include_minor=args.include_minor,
        )


def _export_wacz(args: argparse.Namespace) -> int:
    from scraper.outputs.replay.package import export_wacz
    from scraper.progress import Counter

    if not args.output or args.output == "-":
        print(
            "error: --format wacz needs -o FILE (a WACZ is a zip file, not text for a "
            "terminal or a pipe)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    config = _config(args)
    store = _open_store(args)
    progress = Counter("articles read")
    try:
        report = export_wacz(
            store,
            config.archive.path,
            Path(args.output),
            source=args.source,
            since=args.since,
            progress=progress,
        )
    finally:
        progress.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from scraper.commands.discover import discover_and_add

    config = _config(args)
    found, added = discover_and_add(config, args.url, name=args.name, want_all=args.all)
    for offer in found.offers:
        title = f" {offer.title!r}" if offer.title else ""
        print(f"found {offer.kind:<7} {offer.url}{title} ({offer.entries} entries, {offer.how})")
    if not found.offers:
        for problem in found.problems:
            print(f"  tried {problem}", file=sys.stderr)
        print(
            f"error: no feed, news sitemap or article list found at {args.url} "
            f"({found.requests} requests)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    best = found.best()
    if best is not None and best.kind != "feed":
        instead = "news sitemap" if best.kind == "sitemap" else "page as a section page"
        print(f"no feed found: using the {instead} instead")
    for new, name in added:
        if name is None:
            print(f"already configured: {new.url}")
        else:
            print(f"added source {name!r}: {new.kind} = {new.url}")
    print(f"({found.requests} requests to the site)")
    return EXIT_OK


def cmd_import_opml(args: argparse.Namespace) -> int:
    from scraper.config.edit import add_sources
    from scraper.config.opml import read_opml

    config = _config(args)
    assert config.file is not None
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise ScraperError(f"{args.file}: cannot read: {error.strerror}") from None
    results = add_sources(config.file, read_opml(data))
    added = [name for _, name in results if name]
    print(
        f"{len(added)} sources added, {len(results) - len(added)} already configured "
        f"(to {config.file})"
    )
    return EXIT_OK


def cmd_export_opml(args: argparse.Namespace) -> int:
    from scraper.config.opml import write_opml

    text = write_opml(list(_config(args).sources))
    if args.output:
        from scraper.files import atomic_write

        atomic_write(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from scraper.outputs.serve import serve

    config = _config(args)
    if config.index.url:
        raise ConfigError(
            f"{config.file}: index.url: `scraper serve` (Datasette) reads only the "
            "embedded SQLite index, not PostgreSQL"
        )
    return serve(config.archive.path, args.port)


def cmd_build_site(args: argparse.Namespace) -> int:
    from scraper.outputs.site import build_site

    config = _config(args)
    store = _open_store(args)
    report = build_site(store, config.archive.path, list(config.sources), full=args.full)
    print(report.summary())
    print(f"open {(config.archive.path / 'index.html').as_uri()}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from scraper.commands.consistency import render_report, verify_archive

    report = verify_archive(_config(args), repair=args.repair)
    if args.json:
        print(json.dumps(report.__dict__ | {"ok": report.ok}, indent=2))
    else:
        print(render_report(report))
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_migrate(args: argparse.Namespace) -> int:
    from scraper.store.migrate import config_lines, migrate_index

    config = _config(args)

    def progress(table: str, done: int, total: int) -> None:
        print(f"{table}: {done}/{total} rows copied", file=sys.stderr, flush=True)

    report = migrate_index(config, args.to, schema=args.schema, batch=args.batch, progress=progress)
    print(f"{'table':<18} {'sqlite':>10} {'postgresql':>10}")
    for table, source, target in report.counts:
        mark = "" if source == target else "  <- differs"
        print(f"{table:<18} {source:>10} {target:>10}{mark}")
    if not report.ok:
        print("error: the row counts differ; run `scraper migrate` again", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"\n{report.copied} rows copied; every table's count agrees. To use the PostgreSQL "
        f"index, add to {config.file}:\n\n{config_lines(args.to, args.schema)}"
    )
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from scraper.commands.extract import extract_target

    article = extract_target(args.target, config_path=args.config)
    if args.json:
        from dataclasses import asdict

        data = asdict(article)
        for note in ("facts", "fingerprint"):  # the workers' notes to the event loop
            data.pop(note, None)
        for key in ("published", "updated"):
            data[key] = data[key].isoformat() if data[key] else None
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"title: {article.title}\nauthors: {', '.join(article.authors)}")
        print(f"published: {article.published}\nlanguage: {article.language}")
        if article.original_url:
            print(f"original: {article.original_url}")
        print()
        print(article.markdown or f"(no body: {article.error})")
    return EXIT_OK if article.text else EXIT_FAILED


# -- parser -----------------------------------------------------------------------------------
def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: $SCRAPER_CONFIG, else config/scraper.toml)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log what happens (-vv for debug detail)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scraper",
        description="Archive news feeds: fetch politely, extract articles, keep every version.",
    )
    parser.add_argument("--version", action="version", version=f"scraper {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=description or help_text)
        _add_config(sub)
        sub.set_defaults(handler=handler)
        return sub

    fetch = command(
        "fetch",
        cmd_fetch,
        "poll every source (or those named) once and archive new articles",
        "Poll each source's feed once, fetch and extract every entry not archived yet, and store "
        "it. Exit status: 0 when every source succeeded, 1 when any failed, 2 for a bad config.",
    )
    fetch.add_argument(
        "--source", action="append", metavar="NAME", help="only this source (repeat for several)"
    )
    fetch.add_argument(
        "--force",
        action="store_true",
        help="ignore Retry-After waits and disabled sources this once",
    )
    fetch.add_argument(
        "--revisit",
        action="store_true",
        help="also fetch every archived article again now, keeping new versions",
    )

    run = command(
        "run",
        cmd_run,
        "run the daemon: poll every source on its schedule until stopped",
        "Run in the foreground as the archive's daemon: each source is polled at its interval "
        "(adapted to how active it is), sources due at start are polled at once, and state "
        "survives restarts. SIGINT/SIGTERM stop it cleanly; SIGHUP reloads the config. "
        "One daemon per archive.",
    )
    run.add_argument("--log-json", action="store_true", help="log one JSON object per line")

    worker = command(
        "worker",
        cmd_worker,
        "serve the work queue: poll sources with other workers, on any machine",
        "Run one worker of a cluster sharing the [index] PostgreSQL database (and the archive "
        "folder, on a shared volume): sources due are claimed by a periodic tick and polled by "
        "whichever worker is free, with per-host limits held across all workers. SIGINT/SIGTERM "
        "stop it cleanly. Start one or more on each machine (see Scaling out).",
    )
    worker.add_argument(
        "--queues",
        type=_checked(_queues),
        default=("poll", "fetch", "extract"),
        metavar="poll,fetch,extract",
        help="the queues this worker serves (default: all three)",
    )
    worker.add_argument(
        "--concurrency",
        type=_checked(positive_int),
        metavar="N",
        help="jobs run at once (default: [daemon] concurrency)",
    )
    worker.add_argument("--log-json", action="store_true", help="log one JSON object per line")

    status = command("status", cmd_status, "show each source's health, schedule and counts")
    status.add_argument("--json", action="store_true", help="as one JSON document")

    listing = command("list", cmd_list, "list recent articles, one line each")
    listing.add_argument("--source", metavar="NAME", help="only this source")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    show = command("show", cmd_show, "show an article's metadata and body")
    show.add_argument("article", metavar="ID|URL", help="the article's id or any of its URLs")
    show.add_argument("--json", action="store_true", help="as one JSON object")

    stories = command(
        "stories",
        cmd_stories,
        "list stories carried by more than one article, with the original",
    )
    stories.add_argument("--limit", type=int, default=100, help="how many (default 100)")
    stories.add_argument("--json", action="store_true", help="one JSON object per story")

    export = command(
        "export",
        cmd_export,
        "write the archive to standard output (or a file) for other tools",
        "Write one JSON object per archived article (its latest version) to standard output, "
        "or another format; --format wacz packages the articles' HTTP exchanges (every "
        "version) as a WACZ file for ReplayWeb.page and pywb, and needs -o FILE.",
    )
    export.add_argument(
        "--format",
        choices=["jsonl", "csv", "markdown", "wacz"],
        default="jsonl",
        help="jsonl (default): one JSON object per article; "
        "csv; markdown; wacz: a web archive to replay (needs -o FILE)",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )
    export.add_argument(
        "--versions",
        action="store_true",
        help="one object per version instead, adding version and fetched_at",
    )
    export.add_argument(
        "--include-minor",
        action="store_true",
        help="with --versions, also the minor (whitespace/punctuation) versions",
    )
    export.add_argument("--source", metavar="NAME", help="only this source")
    export.add_argument(
        "--since",
        type=_date,
        metavar="DATE",
        help="only articles published (or first seen) since DATE",
    )

    search = command(
        "search",
        cmd_search,
        "full-text search over titles, bodies and authors",
        'Search the archive: words, "exact phrases", OR, AND, NOT, prefix*, parentheses; '
        "anything else is words (Al-Tanf, covid-19, U.S., 9/11 find what they say). Results "
        "are ranked (title matches weigh most) with a snippet. Exit 1 when nothing matches "
        "or the query is malformed (one line says why).",
    )
    search.add_argument("query", nargs="+", help='e.g. ceasefire "Moon of Alabama"')
    search.add_argument("--source", metavar="NAME", help="only this source")
    search.add_argument("--since", type=_date, metavar="DATE", help="published since DATE")
    search.add_argument("--until", type=_date, metavar="DATE", help="published before DATE")
    search.add_argument("--limit", type=int, default=20, help="how many results (default 20)")
    search.add_argument("--json", action="store_true", help="one JSON object per result")

    diff = command(
        "diff",
        cmd_diff,
        "show what changed between two versions of an article",
        "Word-level diff of an article's title, byline, dates and body between two versions "
        "(default: the last two). Coloured on a terminal.",
    )
    diff.add_argument("article", metavar="ID|URL")
    diff.add_argument(
        "v1", nargs="?", type=int, help="the older version (default: the one before the latest)"
    )
    diff.add_argument("v2", nargs="?", type=int, help="the newer version (default: the latest)")
    diff.add_argument("--no-color", action="store_true", help="plain [-removed-] {+added+}")
    diff.add_argument("--unified", action="store_true", help="a unified diff, one paragraph a line")

    add = command(
        "add",
        cmd_add,
        "find a site's feeds from any of its pages and add the best one",
        "Fetch the page (politely), find its feeds (declared, linked, usual paths, section "
        "feeds first), check each by parsing it, and add the best to the config, keeping the "
        "file's comments. With no feed it falls back to a news sitemap or the page itself as a "
        "section page, and says so. A URL already configured is not added twice.",
    )
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="the new source's name (default: from the site)")
    add.add_argument("--all", action="store_true", help="add every feed found, not the best")

    import_opml = command(
        "import-opml", cmd_import_opml, "add every feed of an OPML file (folders become tags)"
    )
    import_opml.add_argument("file", metavar="FILE")
    export_opml = command(
        "export-opml", cmd_export_opml, "write the configured feeds as OPML 2.0 for feed readers"
    )
    export_opml.add_argument("-o", "--output", metavar="FILE", help="file (default: stdout)")

    build_site = command(
        "build-site",
        cmd_build_site,
        "update the archive's static HTML site (index.html)",
        "Write the browse site inside the archive: home, sources, days, articles with their "
        "versions and diffs, stories, copies compared with their original, and a search page. "
        "Only changed pages are rewritten unless --full. It opens from file:// with no server "
        "and no external asset; only the search page runs script (its own files).",
    )
    build_site.add_argument("--full", action="store_true", help="rewrite every page")

    serve = command(
        "serve",
        cmd_serve,
        "browse and query the index in Datasette (read-only)",
        "Start Datasette on the archive's index, read-only: tables with facets by source and "
        "date, full-text search, SQL, and a JSON API. Needs pip install 'scraper[serve]'.",
    )
    serve.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")

    verify = command(
        "verify",
        cmd_verify,
        "check that the index, the article files and the WARC files agree",
        "Check the archive: index integrity, every article's files, every logged WARC record, "
        "the replay (CDXJ) index. Exit 0 when consistent, 1 when a problem is found. Leftovers "
        "of an interrupted run are notes, removed with --repair.",
    )
    verify.add_argument(
        "--repair",
        action="store_true",
        help="remove leftovers of interrupted runs (orphan folders, temp files); "
        "rebuild a replay index that disagrees with the WARC files",
    )
    verify.add_argument("--json", action="store_true", help="the report as JSON")

    compare = command(
        "compare",
        cmd_compare,
        "what one article changed against another (e.g. a republication)",
    )
    compare.add_argument("first", metavar="ID|URL")
    compare.add_argument("second", metavar="ID|URL")
    compare.add_argument("--no-color", action="store_true", help="plain [-removed-] {+added+}")
    compare.add_argument("--unified", action="store_true", help="a unified diff")

    prune = command(
        "prune",
        cmd_prune,
        "delete one source's articles first seen before a date",
        "The only way anything is deleted: index rows and article folders of one source's "
        "articles first seen before DATE. WARC records are kept. Try --dry-run first.",
    )
    prune.add_argument("--source", required=True, metavar="NAME")
    prune.add_argument("--before", required=True, type=_date, metavar="DATE")
    prune.add_argument("--dry-run", action="store_true", help="only say what would be removed")

    migrate = command(
        "migrate",
        cmd_migrate,
        "copy the archive's SQLite index into PostgreSQL (for scaling out)",
        "Copy every table of the SQLite index into a PostgreSQL database, in batches. "
        "Resumable: run it again after an interruption and it copies only what is missing. "
        "Row counts are compared at the end; the article files and WARC stay where they are.",
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL",
        type=_checked(postgres_url),
        help="the database, e.g. postgresql://user@host:5432/db",
    )
    migrate.add_argument(
        "--schema",
        type=_checked(identifier),
        help="a PostgreSQL schema for the tables (default: the server's, usually public)",
    )
    migrate.add_argument(
        "--batch", type=_checked(positive_int), default=2000, help="rows per transaction"
    )

    extract = command(
        "extract",
        cmd_extract,
        "extract one page (a file or a URL) and print the article",
    )
    extract.add_argument("target", metavar="FILE_OR_URL")
    extract.add_argument("--json", action="store_true", help="print the Article as JSON")
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    from scraper.logs import setup_logging

    verbose = getattr(args, "verbose", 0)
    default = logging.INFO if args.command in {"run", "worker"} else logging.ERROR
    level = default if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    setup_logging(level, json_lines=getattr(args, "log_json", False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ScraperError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - a bug must still read as one line
        print(
            f"error: unexpected {type(error).__name__}: {error} (a bug: please report it; "
            "-vv shows the traceback)",
            file=sys.stderr,
        )
        if getattr(args, "verbose", 0) >= 2:
            import traceback

            traceback.print_exc()
        return EXIT_FAILED
    finally:
        while _opened:
            _opened.pop().close()


if __name__ == "__main__":
    sys.exit(main())


def console() -> NoReturn:
    """The `scraper` command: `main`, then an exit that skips tearing the interpreter down.

    By then `main` has closed the archive, the index and the extraction processes; what is left
    is freeing the loaded libraries' objects one by one (lxml, numpy, httpx, ...), 0.2-0.3 s
    that a user or a script waits for after each fetch. Logs and output are flushed first.
    """
    code = main()
    _reap_forkserver()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _reap_forkserver() -> None:
    """Stop the extraction processes' forkserver and wait for it: it is shared by every pool of
    the process, so it outlives `main`. Reaped, nothing of ours outlives the command, and the
    CPU of the extraction processes (the forkserver reaps them) is counted with the command's by
    whoever waits for it (`time`, wait4)."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        with contextlib.suppress(Exception):  # it may never have started, or be gone already
            stop()

"""Scale-out throughput: `scraper worker` processes over a local network of news sites.

    .venv/bin/python bench/cluster.py [--feeds 1000] [--hosts 100] [--latency 0.05]
        [--workers 1,2,4] [--concurrency 32] [--ticks 10000] [--timeout 600] [--json]
        [--profile FILE]

Server processes (bench/netsite.py, one per 250 hosts) serve --hosts hosts on 127.0.20.x,
127.0.21.x, ...; --feeds RSS feeds spread round-robin over them, each listing one article (a
real corpus page made unique), every response delayed by --latency. For each worker count
(--workers), a fresh PostgreSQL schema on $SCRAPER_TEST_POSTGRES (default: the local server)
and a fresh archive folder; that many `scraper worker` processes (the real CLI, [daemon]
concurrency --concurrency, per-host politeness 2 in flight and 0.1 s apart, cluster-wide) are
started, and once all have said "worker started" the clock runs until every article is in the
index. Measured: end-to-end articles/s and poll jobs/s, the scaling ratio against one worker,
CPU seconds of the workers' process trees (we are their subreaper) and of the sites, the load
average after, and what the sites saw (requests, most in flight at once).

Then the scheduler alone (in-process, no fetching): --ticks sources in the `sources` table,
all due, claimed by the tick (`FOR UPDATE SKIP LOCKED`, a provisional next poll) and
batch-deferred as `poll` jobs, tick after tick, until all are queued: poll jobs deferred per
second, and the time of one claim with that many jobs already waiting in the queue.
Everything shares the machine's cores (sites, workers, their extraction processes, PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.netsite import NetSite, Post, become_subreaper, children_cpu, load_average  # noqa: E402

POSTGRES_URL = os.environ.get("SCRAPER_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
HOSTS_PER_SERVER = 250


def feeds_and_posts(
    sites: list[NetSite], feeds: int
) -> tuple[list[tuple[str, str]], list[list[Post]]]:
    """(name, feed URL) of every source, and each server's posts (one article per feed)."""
    hosts = [(site, host) for site in sites for host in site.addresses]
    now = time.time()
    sources, posts = [], [[] for _ in sites]  # type: ignore[var-annotated]
    for j in range(feeds):
        site, host = hosts[j % len(hosts)]
        feed = f"/feed{j}.xml"
        posts[sites.index(site)].append(Post(host, feed, f"/a/{j}.html", j, f"f{j:05d}", now - 60))
        sources.append((f"f{j:05d}", site.url(host, feed)))
    return sources, posts


def write_config(
    folder: Path, schema: str, sources: list[tuple[str, str]], concurrency: int
) -> Path:
    lines = [
        '[archive]\npath = "archive"\n',
        f'[index]\nurl = "{POSTGRES_URL}"\nschema = "{schema}"\n',
        f'[daemon]\nconcurrency = {concurrency}\nmin_interval = "1h"\nmax_interval = "1h"\n',
        "[http]",
        "allow_private_addresses = true",
        'per_host_delay = "0.1s"',
        "per_host_concurrency = 2",
        "max_concurrency = 64",
        "",
    ]
    for name, url in sources:
        lines += ["[[sources]]", f'name = "{name}"', f'feed = "{url}"', 'interval = "1h"', ""]
    path = folder / "scraper.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def reap_orphans(seconds: float = 3.0) -> None:
    """Wait for the workers' orphaned descendants (forkservers; we are their subreaper), so
    their CPU reaches RUSAGE_CHILDREN."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.05)
        except ChildProcessError:
            return


def count(schema: str, sql: str) -> int:
    try:
        with psycopg.connect(POSTGRES_URL, options=f"-csearch_path={schema}") as db:
            row = db.execute(sql).fetchone()  # type: ignore[arg-type]
            return int(row[0]) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


def drop(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # type: ignore[arg-type]


def run_cluster(
    workers: int, sources: list[tuple[str, str]], sites: list[NetSite], args: argparse.Namespace
) -> dict[str, Any]:
    """`workers` worker processes until every article is archived."""
    schema = f"bench_cluster_{os.getpid()}_{workers}"
    drop(schema)
    stats0 = [site.call("stats") for site in sites]
    cpu0 = children_cpu()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        folder = Path(tmp)
        config = write_config(folder, schema, sources, args.concurrency)
        logs = [folder / f"worker{i}.log" for i in range(workers)]
        profile = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
        procs = [subprocess.Popen([sys.executable, *(profile if i == 0 else []), "-m", "scraper",
                                   "worker", "--config", str(config)], stdout=log.open("wb"),
                                  stderr=subprocess.STDOUT, cwd=ROOT)
                 for i, log in enumerate(logs)]  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not all("worker started" in log.read_text(errors="replace") for log in logs):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise SystemExit("a worker did not start:\n" + logs[0].read_text()[-2000:])
                time.sleep(0.05)
            start = time.monotonic()
            deadline = start + args.timeout
            archived = 0
            while archived < len(sources) and time.monotonic() < deadline:
                time.sleep(0.5)
                archived = count(schema, "SELECT count(*) FROM articles")
            wall = time.monotonic() - start
            polls = count(schema, "SELECT count(*) FROM polls")
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            codes = [proc.wait(60) for proc in procs]
            reap_orphans()
        warc = sum(p.stat().st_size for p in (folder / "archive" / "warc").glob("*.warc.gz"))
        files = len(list((folder / "archive" / "warc").glob("*.warc.gz")))
    cpu = children_cpu() - cpu0  # the workers and their extraction processes, start to stop
    stats1 = [site.call("stats") for site in sites]
    drop(schema)
    requests = sum(b["requests"] - a["requests"] for a, b in zip(stats0, stats1, strict=True))
    return {"workers": workers, "archived": archived, "wall_s": wall, "articles_s": archived / wall,
            "polls": polls, "polls_s": polls / wall, "requests": requests, "exit_codes": codes,
            "max_in_flight": max(s["max_in_flight"] for s in stats1), "warc_files": files,
            "warc_mb": warc / 1e6, "workers_cpu_s": cpu,
            "sites_cpu_s": sum(b["cpu_s"] - a["cpu_s"] for a, b in zip(stats0, stats1, strict=True)),
            "load_end": load_average()}  # fmt: skip


async def scheduler_rate(n: int) -> dict[str, Any]:
    """The tick alone: claim and batch-defer `n` due sources, tick after tick."""
    from psycopg.conninfo import make_conninfo
    from psycopg_pool import AsyncConnectionPool

    from scraper.cluster.claims import claim_due_sources
    from scraper.cluster.runtime import TICK_BATCH, Runtime
    from scraper.cluster.schema import apply_schema
    from scraper.cluster.worker import build_app
    from scraper.models import Source
    from scraper.store.postgres import PostgresStore, connect_kwargs

    schema = f"bench_scheduler_{os.getpid()}"
    drop(schema)
    PostgresStore(POSTGRES_URL, schema=schema).close()  # the index's tables
    info = make_conninfo(**connect_kwargs(POSTGRES_URL, schema))
    with psycopg.connect(info, autocommit=True) as conn:
        apply_schema(conn)
    sources = [Source(f"s{i:07d}", feed=f"http://h{i % 500}.example/feed{i}.xml") for i in range(n)]
    app = build_app(info)
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(info, min_size=1, max_size=2,
                                                         kwargs={"autocommit": True}, open=False)  # fmt: skip
    await pool.open()
    try:
        async with app.open_async():
            runtime = Runtime(app, pool, None, sources, "bench")  # type: ignore[arg-type]
            await runtime.start()  # the sources' rows, as a worker starting inserts them
            start, ticks = time.monotonic(), 0
            while count(schema, "SELECT count(*) FROM procrastinate_jobs") < n:
                await runtime.tick()
                ticks += 1
                if ticks > n:
                    raise SystemExit("the tick claims nothing")
            wall = time.monotonic() - start
            async with pool.connection() as conn:  # one more claim, the queue now full
                again = time.monotonic()
                claimed = await claim_due_sources(conn, sources, TICK_BATCH)
                claim_ms = 1000 * (time.monotonic() - again)
    finally:
        await pool.close()
        drop(schema)
    return {"sources": n, "ticks": ticks, "wall_s": wall, "deferred_s": n / wall,
            "claim_full_queue_ms": claim_ms, "claimed_again": len(claimed)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--workers", default="1,2,4",
                        help="worker counts to run, in order ('': the scheduler only)")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=32, help="jobs at once per worker")
    parser.add_argument("--ticks", type=int, default=10000, help="sources for the tick alone")
    parser.add_argument("--timeout", type=float, default=600, help="per run, seconds")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", type=Path, help="profile the first worker into this file")
    args = parser.parse_args(argv)
    from tests.corpus import load_pages

    if not load_pages(1):
        print(
            "the corpus ../shared/corpora/article-extraction-benchmark is absent", file=sys.stderr
        )
        return 2
    become_subreaper()
    result: dict[str, Any] = {"feeds": args.feeds, "hosts": args.hosts, "latency": args.latency,
                              "load_start": load_average(), "runs": []}  # fmt: skip
    with ExitStack() as stack:
        sizes = [
            min(HOSTS_PER_SERVER, args.hosts - k) for k in range(0, args.hosts, HOSTS_PER_SERVER)
        ]
        sites = [stack.enter_context(NetSite(size, 20 + i, args.latency)) for i, size in enumerate(sizes)]  # fmt: skip
        sources, posts = feeds_and_posts(sites, args.feeds)
        for site, mine in zip(sites, posts, strict=True):
            site.call("publish", mine)
        for workers in (int(w) for w in args.workers.split(",") if w.strip()):
            run = run_cluster(workers, sources, sites, args)
            result["runs"].append(run)
            print(f"{workers} worker(s): {run['archived']} articles in {run['wall_s']:.1f} s = "
                  f"{run['articles_s']:.1f} articles/s, {run['polls_s']:.1f} polls/s", file=sys.stderr)  # fmt: skip
    base = result["runs"][0]["articles_s"] if result["runs"] else 0.0
    for run in result["runs"]:
        run["ratio"] = run["articles_s"] / base if base else 0.0
    result["scheduler"] = asyncio.run(scheduler_rate(args.ticks)) if args.ticks else None
    result["load_end"] = load_average()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{args.feeds} feeds (one article each) over {args.hosts} hosts, latency "
          f"{args.latency * 1000:.0f} ms; load {result['load_start']} -> {result['load_end']}")  # fmt: skip
    print("workers  articles  wall s  articles/s  ratio  polls/s  requests  max in flight  "
          "CPU s (workers, sites)  load after  exit")  # fmt: skip
    for r in result["runs"]:
        print(f"{r['workers']:>7}  {r['archived']:>8}  {r['wall_s']:>6.1f}  {r['articles_s']:>10.1f}  "
              f"{r['ratio']:>5.2f}  {r['polls_s']:>7.1f}  {r['requests']:>8}  {r['max_in_flight']:>13}  "
              f"{r['workers_cpu_s']:>12.0f} {r['sites_cpu_s']:>9.0f}  {r['load_end']:>10}  "
              f"{r['exit_codes']}")  # fmt: skip
    s = result["scheduler"]
    if s:
        print(f"scheduler: {s['sources']} due sources claimed and deferred in {s['ticks']} ticks, "
              f"{s['wall_s']:.2f} s = {s['deferred_s']:.0f} poll jobs/s; a claim with "
              f"{s['sources']} jobs queued: {s['claim_full_queue_ms']:.1f} ms "
              f"({s['claimed_again']} claimed again)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

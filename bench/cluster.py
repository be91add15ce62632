"""Scale-out throughput: `scraper worker` processes over a local network of news sites.

    .venv/bin/python bench/cluster.py [--feeds 10000] [--hosts 500] [--latency 0.05]
        [--workers 1,2,4] [--pin | --no-pin] [--concurrency 32] [--warmup 30] [--window 90]
        [--ticks 10000] [--quick] [--json] [--profile FILE]

Server processes (bench/netsite.py, one per 250 hosts) serve --hosts hosts on 127.0.20.x,
127.0.21.x, ...; --feeds RSS feeds spread round-robin over them, each listing one article (a
real corpus page made unique), every response delayed by --latency. For each worker count
(--workers), a fresh PostgreSQL schema on $SCRAPER_TEST_POSTGRES (default: the local server)
and a fresh archive folder; that many `scraper worker` processes (the real CLI, [daemon]
concurrency --concurrency, per-host politeness 2 in flight and 0.1 s apart, cluster-wide) are
started. Every source is due at once, so the queue never runs dry during the measurement.

Pinning (--pin, the default): each worker's process tree (its event loop, its forkserver and
extraction processes, which inherit the affinity) is confined to one core, worker i on core
i mod ncores, as if each worker had a single-core machine of its own; a pinned worker sizes its
extraction pool by its affinity, so it runs one extraction process. With 4 workers on 2 cores,
two share each core. The sites and PostgreSQL are not pinned: they share the cores with the
workers, and their CPU is reported. --no-pin lets every worker use every core (each then starts
one extraction process per core), which on a small machine measures contention, not scaling.

The measurement is a steady-state window, not the time to archive everything (10,000 articles
at 15-30 articles/s would take 6-11 minutes per worker count): once every worker has said
"worker started", --warmup seconds pass (the first ticks queue the 10,000 poll jobs, robots.txt
is fetched once per host, the extraction pools start), then the articles in the index and the
polls recorded are counted at the start and the end of a --window of seconds (and every second
in between, to give the rate of each half: the two halves agree when the rate is steady).
Articles/s = articles archived in the window / its length; the scaling ratio is against the
first worker count given. If every feed is archived before the window ends the backlog ran dry
and the run says so ("drained"): use more feeds or a shorter window.

CPU in the window, from /proc, in cores (CPU seconds / window seconds): the workers' process
trees (event loop; forkserver and extraction processes), the site servers, the PostgreSQL
backends serving the workers (tagged by application_name), PostgreSQL's own background
processes (WAL writer, checkpointer, autovacuum: they also serve anyone else using the server),
the whole machine (/proc/stat) and each core, and the rest (other people's processes). The load
average is printed at the start and after each run: others may be using the machine.

Checked after each run (the workers stopped), over the whole run, not only the window: no
article stored twice (articles = distinct URLs = distinct sources), no source polled twice
(polls = distinct sources; no feed requested twice at the sites), no article page fetched
twice, failed polls, and the workers' exit codes and extraction processes (with their CPU
affinity).

Then the scheduler alone (in-process, no fetching): --ticks sources in the `sources` table,
all due, claimed by the tick (`FOR UPDATE SKIP LOCKED`, a provisional next poll) and
batch-deferred as `poll` jobs, tick after tick, until all are queued: poll jobs deferred per
second, and the time of one claim with that many jobs already waiting in the queue.

--quick: 2,000 feeds over 100 hosts, 10 s warm-up, a 30 s window, 2,000 sources for the tick
(about 3 minutes for 1, 2 and 4 workers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.netsite import NetSite, Post, become_subreaper, load_average  # noqa: E402

POSTGRES_URL = os.environ.get("SCRAPER_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
HOSTS_PER_SERVER = 250
TICK = os.sysconf("SC_CLK_TCK")
DEFAULTS = {"feeds": 10000, "hosts": 500, "warmup": 30.0, "window": 90.0, "ticks": 10000}
QUICK = {"feeds": 2000, "hosts": 100, "warmup": 10.0, "window": 30.0, "ticks": 2000}


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


def with_application_name(url: str, name: str) -> str:
    """The PostgreSQL URL with application_name set, so the workers' backends can be found."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def write_config(
    folder: Path, url: str, schema: str, sources: list[tuple[str, str]], concurrency: int
) -> Path:
    lines = [
        '[archive]\npath = "archive"\n',
        f'[index]\nurl = "{url}"\nschema = "{schema}"\n',
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
    """Wait for the workers' orphaned descendants (forkservers; we are their subreaper)."""
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


# -- CPU from /proc -------------------------------------------------------------------------------
def all_processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) of every process we can see."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        out[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return out


def descendants(procs: dict[int, tuple[int, float]], root: int) -> dict[int, int]:
    """pid -> depth under `root` (0: root itself) of its live process tree."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    depth, frontier = ({root: 0}, [root]) if root in procs else ({}, [])
    while frontier:
        parent = frontier.pop()
        for pid in children.get(parent, ()):
            depth[pid] = depth[parent] + 1
            frontier.append(pid)
    return depth


def machine_jiffies() -> dict[str, tuple[int, int]]:
    """'cpu', 'cpu0', ... -> (busy, total) jiffies since boot, from /proc/stat."""
    out = {}
    with open("/proc/stat") as handle:
        for line in handle:
            if not line.startswith("cpu"):
                break
            name, *values = line.split()
            numbers = [int(v) for v in values]
            idle = numbers[3] + numbers[4]  # idle + iowait
            out[name] = (sum(numbers[:8]) - idle, sum(numbers[:8]))
    return out


def allowed_cpus(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


@dataclass
class Snapshot:
    """CPU seconds so far of each part, at one moment."""

    at: float
    loops: dict[int, float] = field(default_factory=dict)  # the workers' own processes
    pools: dict[int, float] = field(default_factory=dict)  # their descendants (extraction)
    backends: dict[int, float] = field(default_factory=dict)  # PostgreSQL, serving them
    background: dict[int, float] = field(default_factory=dict)  # PostgreSQL's own processes
    meter: dict[int, float] = field(default_factory=dict)  # the backend serving this meter
    sites: float = 0.0
    bench: float = 0.0
    jiffies: dict[str, tuple[int, int]] = field(default_factory=dict)


class Meter:
    """Snapshots of the CPU of the workers' trees, the sites and PostgreSQL's processes."""

    def __init__(self, workers: list[int], sites: list[NetSite], app: str) -> None:
        self.workers, self.sites, self.app = workers, sites, app
        self.db = psycopg.connect(
            with_application_name(POSTGRES_URL, app + "_meter"), autocommit=True
        )

    def count(self, sql: str) -> int:
        row = self.db.execute(sql).fetchone()  # type: ignore[arg-type]
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.db.close()

    def snapshot(self) -> Snapshot:
        rows = self.db.execute(
            "SELECT pid, application_name, backend_type = 'client backend' FROM pg_stat_activity"
        ).fetchall()
        procs = all_processes()
        snap = Snapshot(time.monotonic(), jiffies=machine_jiffies())
        for worker in self.workers:
            for pid, depth in descendants(procs, worker).items():
                (snap.pools if depth else snap.loops)[pid] = procs[pid][1]
        for pid, name, client in rows:
            if pid not in procs:
                continue
            if name == self.app:
                snap.backends[pid] = procs[pid][1]
            elif name == self.app + "_meter":
                snap.meter[pid] = procs[pid][1]
            elif not client:
                snap.background[pid] = procs[pid][1]
        snap.sites = sum(site.call("stats")["cpu_s"] for site in self.sites)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        snap.bench = usage.ru_utime + usage.ru_stime
        return snap

    @staticmethod
    def cores(first: Snapshot, samples: list[Snapshot]) -> dict[str, Any]:
        """Cores used by each part from `first` to the last of `samples` (each process counted
        from `first`, or from 0 if it started later, to the last time it was seen)."""
        last = samples[-1]
        wall = last.at - first.at

        def used(part: str) -> float:
            seen: dict[int, float] = {}
            for snap in samples:
                seen.update(getattr(snap, part))
            start = getattr(first, part)
            return sum(cpu - start.get(pid, 0.0) for pid, cpu in seen.items()) / wall

        out: dict[str, Any] = {
            part: used(part) for part in ("loops", "pools", "backends", "background")
        }
        out["sites"] = (last.sites - first.sites) / wall
        out["bench"] = (last.bench - first.bench) / wall + used("meter")
        per_core = {}
        for name, (busy, total) in last.jiffies.items():
            busy0, total0 = first.jiffies[name]
            per_core[name] = (busy - busy0) / (total - total0) if total > total0 else 0.0
        out["machine"] = per_core.pop("cpu") * len(per_core)
        out["per_core"] = [per_core[f"cpu{i}"] for i in range(len(per_core))]
        ours = sum(out[k] for k in ("loops", "pools", "backends", "background", "sites", "bench"))
        out["rest"] = out["machine"] - ours
        return out


def site_requests(sites: list[NetSite], marks: list[int]) -> Counter[tuple[str, str]]:
    """How often each (host, path) was requested since `marks` (each site's log length)."""
    seen: Counter[tuple[str, str]] = Counter()
    for site, mark in zip(sites, marks, strict=True):
        for host, path, *_ in site.call("log", mark):
            seen[host, path] += 1
    return seen


def run_cluster(
    workers: int, sources: list[tuple[str, str]], sites: list[NetSite], args: argparse.Namespace
) -> dict[str, Any]:
    """`workers` worker processes: a warm-up, then a window of steady-state archiving."""
    schema = f"bench_cluster_{os.getpid()}_{workers}"
    app = f"bench_cluster_{os.getpid()}_{workers}"
    drop(schema)
    marks = [site.call("stats")["requests"] for site in sites]
    cores = sorted(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        folder = Path(tmp)
        url = with_application_name(POSTGRES_URL, app)
        config = write_config(folder, url, schema, sources, args.concurrency)
        logs = [folder / f"worker{i}.log" for i in range(workers)]
        profile = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
        pins = [cores[i % len(cores)] if args.pin else None for i in range(workers)]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    *(profile if i == 0 else []),
                    "-m",
                    "scraper",
                    "worker",
                    "--config",
                    str(config),
                ],
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                preexec_fn=None if pin is None else partial(os.sched_setaffinity, 0, {pin}),
            )
            for i, (log, pin) in enumerate(zip(logs, pins, strict=True))
        ]
        meter = Meter([p.pid for p in procs], sites, app)
        try:
            deadline = time.monotonic() + 180
            while not all("worker started" in log.read_text(errors="replace") for log in logs):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise SystemExit("a worker did not start:\n" + logs[0].read_text()[-2000:])
                time.sleep(0.1)
            started = time.monotonic()
            time.sleep(args.warmup)
            first = meter.snapshot()
            q_articles, q_polls = (
                f'SELECT count(*) FROM "{schema}".articles',
                f'SELECT count(*) FROM "{schema}".polls',
            )
            counts = [(first.at, meter.count(q_articles), meter.count(q_polls))]
            samples = []
            while time.monotonic() < first.at + args.window:
                time.sleep(min(1.0, max(0.0, first.at + args.window - time.monotonic())))
                now = time.monotonic()
                counts.append((now, meter.count(q_articles), meter.count(q_polls)))
                if len(counts) % 5 == 0 or now >= first.at + args.window:
                    samples.append(meter.snapshot())
            cpu = Meter.cores(first, samples)
            tree = all_processes()
            pools = [
                sorted(pid for pid, d in descendants(tree, p.pid).items() if d == 2) for p in procs
            ]
            affinity = [
                sorted({allowed_cpus(pid) for pid in [p.pid, *pool]})
                for p, pool in zip(procs, pools, strict=True)
            ]
            load_window = load_average()
        finally:
            meter.close()
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            codes = [proc.wait(60) for proc in procs]
            reap_orphans()
        errors = [
            line
            for log in logs
            for line in log.read_text(errors="replace").splitlines()
            if " ERROR " in line
        ]
    (t0, a0, p0), (t1, a1, p1) = counts[0], counts[-1]
    mid = min(counts, key=lambda c: abs(c[0] - (t0 + t1) / 2))
    wall = t1 - t0
    archived = count(schema, "SELECT count(*) FROM articles")
    distinct = count(schema, "SELECT count(DISTINCT url) FROM articles")
    by_source = count(schema, "SELECT count(DISTINCT source) FROM articles")
    polls = count(schema, "SELECT count(*) FROM polls")
    polled = count(schema, "SELECT count(DISTINCT source) FROM polls")
    failed = count(schema, "SELECT count(*) FROM polls WHERE NOT ok")
    drop(schema)
    requests = site_requests(sites, marks)
    feeds = {(h, p): n for (h, p), n in requests.items() if p.startswith("/feed")}
    pages = {(h, p): n for (h, p), n in requests.items() if p.startswith("/a/")}
    return {
        "workers": workers,
        "pinned_cores": pins,
        "warmup_s": t0 - started,
        "window_s": wall,
        "window_articles": a1 - a0,
        "articles_s": (a1 - a0) / wall,
        "halves_articles_s": [(mid[1] - a0) / (mid[0] - t0), (a1 - mid[1]) / (t1 - mid[0])],
        "window_polls": p1 - p0,
        "polls_s": (p1 - p0) / wall,
        "drained": a1 >= len(sources),
        "cores": cpu,
        "load_window_end": load_window,
        "extraction_processes": [len(pool) for pool in pools],
        "affinity": affinity,
        "total_articles": archived,
        "distinct_urls": distinct,
        "distinct_sources": by_source,
        "total_polls": polls,
        "distinct_polled": polled,
        "failed_polls": failed,
        "feeds_requested": len(feeds),
        "feeds_requested_twice": sum(n > 1 for n in feeds.values()),
        "pages_requested": len(pages),
        "pages_requested_twice": sum(n > 1 for n in pages.values()),
        "error_lines": len(errors),
        "errors": errors[:5],
        "exit_codes": codes,
        "ok": archived == distinct == by_source
        and polls == polled
        and not any(n > 1 for n in [*feeds.values(), *pages.values()]),
    }


async def scheduler_rate(n: int) -> dict[str, Any]:
    """The tick alone: claim and batch-defer `n` due sources, tick after tick."""
    from psycopg.conninfo import make_conninfo
    from psycopg_pool import AsyncConnectionPool

    from scraper.models import Source
    from scraper.runners.cluster.claims import claim_due_sources
    from scraper.runners.cluster.runtime import TICK_BATCH, Runtime
    from scraper.runners.cluster.schema import apply_schema
    from scraper.runners.cluster.worker import build_app
    from scraper.store.postgres import PostgresStore, connect_kwargs

    schema = f"bench_scheduler_{os.getpid()}"
    drop(schema)
    PostgresStore(POSTGRES_URL, schema=schema).close()  # the index's tables
    info = make_conninfo(**connect_kwargs(POSTGRES_URL, schema))
    with psycopg.connect(info, autocommit=True) as conn:
        apply_schema(conn)
    sources = [Source(f"s{i:07d}", feed=f"http://h{i % 500}.example/feed{i}.xml") for i in range(n)]
    app = build_app(info)
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        info, min_size=1, max_size=2, kwargs={"autocommit": True}, open=False
    )
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
    return {
        "sources": n,
        "ticks": ticks,
        "wall_s": wall,
        "deferred_s": n / wall,
        "claim_full_queue_ms": claim_ms,
        "claimed_again": len(claimed),
    }


def fmt_cores(c: dict[str, Any]) -> str:
    return (
        f"{c['loops'] + c['pools']:.2f} ({c['loops']:.2f}+{c['pools']:.2f})  {c['sites']:.2f}  "
        f"{c['backends']:.2f}  {c['background']:.2f}  {c['bench']:.2f}  {c['rest']:.2f}  "
        f"{c['machine']:.2f} [{' '.join(f'{x:.0%}' for x in c['per_core'])}]"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, help=f"default {DEFAULTS['feeds']}")
    parser.add_argument("--hosts", type=int, help=f"default {DEFAULTS['hosts']}")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument(
        "--workers", default="1,2,4", help="worker counts to run, in order ('': the scheduler only)"
    )
    parser.add_argument(
        "--pin",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each worker's process tree on one core, worker i on core i mod ncores",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="jobs at once per worker")
    parser.add_argument("--warmup", type=float, help=f"seconds, default {DEFAULTS['warmup']:.0f}")
    parser.add_argument("--window", type=float, help=f"seconds, default {DEFAULTS['window']:.0f}")
    parser.add_argument(
        "--ticks", type=int, help=f"sources for the tick alone, default {DEFAULTS['ticks']}"
    )
    parser.add_argument(
        "--quick", action="store_true", help=", ".join(f"{k} {v:g}" for k, v in QUICK.items())
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", type=Path, help="profile the first worker into this file")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    from tests.corpus import load_pages

    if not load_pages(1):
        print(
            "the corpus ../shared/corpora/article-extraction-benchmark is absent", file=sys.stderr
        )
        return 2
    become_subreaper()
    result: dict[str, Any] = {
        "feeds": args.feeds,
        "hosts": args.hosts,
        "latency": args.latency,
        "pin": args.pin,
        "warmup_s": args.warmup,
        "window_s": args.window,
        "cores": sorted(os.sched_getaffinity(0)),
        "load_start": load_average(),
        "runs": [],
    }
    with ExitStack() as stack:
        sizes = [
            min(HOSTS_PER_SERVER, args.hosts - k) for k in range(0, args.hosts, HOSTS_PER_SERVER)
        ]
        sites = [
            stack.enter_context(NetSite(size, 20 + i, args.latency)) for i, size in enumerate(sizes)
        ]
        sources, posts = feeds_and_posts(sites, args.feeds)
        for site, mine in zip(sites, posts, strict=True):
            site.call("publish", mine)
        for workers in (int(w) for w in args.workers.split(",") if w.strip()):
            run = run_cluster(workers, sources, sites, args)
            result["runs"].append(run)
            print(
                f"{workers} worker(s): {run['window_articles']} articles in {run['window_s']:.1f} s "
                f"= {run['articles_s']:.1f} articles/s (halves {run['halves_articles_s'][0]:.1f}, "
                f"{run['halves_articles_s'][1]:.1f}), {run['polls_s']:.1f} polls/s; cores: "
                f"{fmt_cores(run['cores'])}; checks {'ok' if run['ok'] else 'FAILED'}; "
                f"load {run['load_window_end']}",
                file=sys.stderr,
            )
    base = result["runs"][0]["articles_s"] if result["runs"] else 0.0
    for run in result["runs"]:
        run["ratio"] = run["articles_s"] / base if base else 0.0
    result["scheduler"] = asyncio.run(scheduler_rate(args.ticks)) if args.ticks else None
    result["load_end"] = load_average()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{args.feeds} feeds (one article each) over {args.hosts} hosts, latency "
        f"{args.latency * 1000:.0f} ms; workers {'pinned, one core each' if args.pin else 'unpinned'}"
        f" (cores {result['cores']}); {args.warmup:.0f} s warm-up, {args.window:.0f} s window; "
        f"load {result['load_start']} -> {result['load_end']}"
    )
    print(
        "workers  cores    articles/s (halves)  ratio  polls/s  | cores busy: workers (loop+"
        "extraction)  sites  PG backends  PG background  bench  rest  machine [per core]  "
        "| load  extraction procs  checks"
    )
    for r in result["runs"]:
        pins = ",".join(str(p) for p in r["pinned_cores"]) if args.pin else "all"
        print(
            f"{r['workers']:>7}  {pins:<7}  {r['articles_s']:>6.1f} ({r['halves_articles_s'][0]:.1f}, "
            f"{r['halves_articles_s'][1]:.1f})  {r['ratio']:>5.2f}  {r['polls_s']:>7.1f}  | "
            f"{fmt_cores(r['cores'])}  | {r['load_window_end']}  {r['extraction_processes']}  "
            f"{'ok' if r['ok'] else 'FAILED'}{' DRAINED' if r['drained'] else ''}"
        )
    for r in result["runs"]:
        print(
            f"  {r['workers']} worker(s), whole run: {r['total_articles']} articles "
            f"({r['distinct_urls']} URLs, {r['distinct_sources']} sources), {r['total_polls']} "
            f"polls ({r['distinct_polled']} sources, {r['failed_polls']} failed), feeds requested "
            f"{r['feeds_requested']} ({r['feeds_requested_twice']} twice), pages "
            f"{r['pages_requested']} ({r['pages_requested_twice']} twice), {r['error_lines']} "
            f"ERROR lines, affinity {r['affinity']}, exit {r['exit_codes']}"
        )
        c, rate = r["cores"], max(r["articles_s"], 1e-9)
        print(
            f"    CPU per article in the window: workers {1000 * (c['loops'] + c['pools']) / rate:.0f} ms "
            f"(loop {1000 * c['loops'] / rate:.0f}, extraction {1000 * c['pools'] / rate:.0f}), "
            f"sites {1000 * c['sites'] / rate:.0f} ms, PostgreSQL {1000 * (c['backends'] + c['background']) / rate:.0f} ms"
        )
        for line in r["errors"]:
            print(f"    {line[:300]}")
    s = result["scheduler"]
    if s:
        print(
            f"scheduler: {s['sources']} due sources claimed and deferred in {s['ticks']} ticks, "
            f"{s['wall_s']:.2f} s = {s['deferred_s']:.0f} poll jobs/s; a claim with "
            f"{s['sources']} jobs queued: {s['claim_full_queue_ms']:.1f} ms "
            f"({s['claimed_again']} claimed again)"
        )
    return 0 if all(r["ok"] for r in result["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())

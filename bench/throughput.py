"""End-to-end throughput: `scraper fetch` over a local network of sites, against the CPU limit.

    .venv/bin/python bench/throughput.py [--sites 50] [--articles 100] [--latency 0.02]
        [--quick] [--profile-sources 3] [--json]

A server process (bench/netsite.py) serves --sites hosts, 127.0.10.1 ... (one port), each with
an RSS feed of --articles articles: real corpus pages reused round-robin, each copy made unique
(title suffix, one paragraph; after a page's first use, the words of each paragraph shuffled,
so that dedupe sees no republications), every response delayed by --latency. The real CLI,
`scraper fetch --config <tmp>`, archives them all (per_host_delay 0s, per_host_concurrency 4,
max_concurrency 64: politeness is not what is measured). Measured: wall time, articles in
`scraper export`, CPU of the process tree (RUSAGE_CHILDREN; we are its subreaper), RSS of the
tree sampled from /proc every 0.2 s, and CPU by process (command, forkserver, extraction workers).
The CPU limit: `extract_article` over the same HTML strings with ProcessPoolExecutor(2), after
a warm-up, measured before and after the end-to-end run (the mean is the limit).
Then a smaller in-process run of `scraper.runners.once.fetch_once` (extraction inline) under cProfile
(CPU clock) shows where the CPU goes. Goal (the issue): >= 80% of the limit, peak RSS < 500 MB.
The server shares the machine's cores with the client and with anything else running.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.netsite import (  # noqa: E402
    NetSite,
    Post,
    TreeMeter,
    become_subreaper,
    children_cpu,
    load_average,
    page_html,
    process_cpu,
    reap,
)

SCRAPER = str(ROOT / ".venv" / "bin" / "scraper")
PACKAGE = str(ROOT / "scraper") + "/"
# Orchestration: their cumulative time is everything.
DRIVERS = (
    "pipeline/core.py",
    "pipeline/poll.py",
    "pipeline/pages.py",
    "pipeline/revisits.py",
    "runners/once.py",
    "runners/session.py",
)


def posts(args: argparse.Namespace, site: NetSite) -> list[Post]:
    now = time.time()
    return [
        Post(
            host,
            "/feed.xml",
            f"/articles/{a:03d}.html",
            s * args.articles + a,
            f"s{s:02d}a{a:03d}",
            now - 600 * a,
        )
        for s, host in enumerate(site.addresses)
        for a in range(args.articles)
    ]


def write_config(folder: Path, site: NetSite) -> Path:
    lines = [
        '[archive]\npath = "archive"\n',
        "[http]",
        "allow_private_addresses = true",
        'per_host_delay = "0s"',
        "per_host_concurrency = 4",
        "max_concurrency = 64",
        "",
    ]
    for s, host in enumerate(site.addresses):
        lines += [
            "[[sources]]",
            f'name = "site{s:02d}"',
            f'feed = "{site.url(host, "/feed.xml")}"',
            "",
        ]
    path = folder / "scraper.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def extraction_limit(items: list[Post], site: NetSite, pages: list[Any]) -> dict[str, float]:
    """Articles/s of extract_article alone over these pages with 2 worker processes."""
    from scraper.extract import extract_article

    def html(post: Post) -> tuple[str, str]:
        return page_html(pages, post), site.url(post.host, post.path)

    with cf.ProcessPoolExecutor(2) as pool:
        list(pool.map(extract_article, *zip(*map(html, items[:8]), strict=True)))  # warm-up
        workers = list(pool._processes)  # type: ignore[attr-defined]
        cpu0, own0 = sum(map(process_cpu, workers)), time.process_time()
        start, pending, done = time.monotonic(), set(), 0
        for post in items:  # at most 16 pages in flight, so 5,000 copies are never held at once
            if len(pending) >= 16:
                finished, pending = cf.wait(pending, timeout=600, return_when=cf.FIRST_COMPLETED)
                done += sum(1 for f in finished if f.result() is not None)
            pending.add(pool.submit(extract_article, *html(post)))
        finished, _ = cf.wait(pending, timeout=600)
        done += sum(1 for f in finished if f.result() is not None)
        wall = time.monotonic() - start
        cpu, own = sum(map(process_cpu, workers)) - cpu0, time.process_time() - own0
    return {
        "rate": done / wall,
        "wall_s": wall,
        "cpu_ms": 1000 * cpu / done,
        "cores": cpu / wall,
        "feeder_cpu_s": own,
    }


def run_fetch(config: Path, timeout: float) -> dict[str, Any]:
    """`scraper fetch` as users run it; wall, CPU and RSS of its process tree."""
    cpu0, start = children_cpu(), time.monotonic()
    with (
        open(config.parent / "fetch.out", "wb") as out,
        open(config.parent / "fetch.err", "wb") as err,
    ):
        proc = subprocess.Popen(
            [SCRAPER, "fetch", "--config", str(config)],
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        meter = TreeMeter(proc.pid, 0.2)
        meter.start()
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(10)
            raise
        finally:
            meter.stop()
    wall = time.monotonic() - start
    reap(meter.seen - {proc.pid})
    errors = (config.parent / "fetch.err").read_text(errors="replace").splitlines()
    depth, main_thread = meter.cpu_by_depth(), meter.threads.get(proc.pid, 0.0)
    return {
        "exit": code,
        "wall_s": wall,
        "cpu_s": children_cpu() - cpu0,
        "cpu_main_thread_s": main_thread,
        "cpu_threads_s": depth.get(0, 0.0) - main_thread,
        "cpu_forkserver_s": depth.get(1, 0.0),
        "cpu_workers_s": sum(v for k, v in depth.items() if k >= 2),
        "rss_sum_mb": meter.peak()[0],
        "rss_max_mb": meter.peak()[1],
        "pss_sum_mb": meter.peak()[2],
        "processes": len(meter.seen),
        "stderr_lines": len(errors),
        "stderr_head": errors[:5],
    }


def export_count(config: Path) -> tuple[int, int]:
    """Articles in `scraper export`, and how many of them dedupe put in a story with others."""
    out = subprocess.run(
        [SCRAPER, "export", "--format", "jsonl", "--config", str(config)],
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
    records = {r["id"]: r.get("story_id") for r in map(json.loads, out.splitlines())}
    stories = Counter(records.values())
    return len(records), sum(1 for story in records.values() if stories[story] > 1)


def profile(config_path: Path, count: int, folder: Path) -> dict[str, Any]:
    """cProfile of the main thread (its own CPU clock) while fetch_once archives `count` sources
    into a fresh archive with the real extraction pool, after one source to warm up."""
    from dataclasses import replace

    from scraper.config.settings import load_config
    from scraper.runners.extract_pool import Extractor
    from scraper.runners.once import fetch_once

    config = load_config(config_path)
    config = replace(config, archive=replace(config.archive, path=folder / "profile-archive"))
    profiler = cProfile.Profile(time.thread_time)

    async def run() -> list[Any]:
        extractor = Extractor()
        try:  # one source first, unprofiled: workers, models, caches and tables warm up
            await asyncio.wait_for(fetch_once(config, config.sources[:1], extractor=extractor), 900)
            profiler.enable()
            try:
                return await asyncio.wait_for(
                    fetch_once(config, config.sources[1 : count + 1], extractor=extractor), 900
                )
            finally:
                profiler.disable()
        finally:
            extractor.close()

    cpu0 = time.process_time()
    reports = asyncio.run(run())
    process_cpu = time.process_time() - cpu0
    table: Any = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in table.values())
    ours = [
        (f"{file.removeprefix(PACKAGE)}:{func}", row[3])
        for (file, _, func), row in table.items()
        if file.startswith(PACKAGE)
        and not file.endswith(DRIVERS)
        and not (file.endswith("fetcher.py") and func != "_stream")
    ]
    stages = [(name, cum, cum / total) for name, cum in sorted(ours, key=lambda x: -x[1])[:14]]
    top = sorted(table.items(), key=lambda kv: -kv[1][2])[:15]
    return {
        "articles": sum(r.new for r in reports),
        "main_cpu_s": total,
        "process_cpu_s": process_cpu,
        "stages": stages,
        "top_self": [
            (f"{Path(f).parent.name}/{Path(f).name}:{line} {func}", row[2], row[2] / total)
            for (f, line, func), row in top
        ],
    }


def render(r: dict[str, Any]) -> str:
    e, lim = r["fetch"], r["limit"]
    rows = [
        (
            "sites x articles, latency",
            f"{r['sites']} x {r['articles_per_site']}, {r['latency'] * 1000:.0f} ms",
        ),
        ("articles archived (export) / published", f"{r['archived']} / {r['published']}"),
        ("`scraper fetch` exit code, stderr lines", f"{e['exit']}, {e['stderr_lines']}"),
        ("articles dedupe joined to a story with others (want 0)", str(r["in_stories"])),
        ("wall time (s)", f"{e['wall_s']:.1f}"),
        ("end-to-end articles/s", f"{r['e2e_rate']:.1f}"),
        (
            "CPU limit: extraction only, 2 processes (articles/s)",
            f"{r['limit_rate']:.1f} (before {lim[0]['rate']:.1f}, after {lim[1]['rate']:.1f})",
        ),
        ("ratio end-to-end / limit (goal >= 0.80)", f"{r['ratio']:.2f}"),
        (
            "peak RSS of the tree: RSS sum / PSS sum / largest process (MB; goal < 500)",
            f"{e['rss_sum_mb']:.0f} / {e['pss_sum_mb']:.0f} / {e['rss_max_mb']:.0f} "
            f"({e['processes']} processes)",
        ),
        (
            "CPU of the tree (s): total (rusage) ~ command's main thread + its other threads + "
            "forkserver + extraction workers (/proc)",
            f"{e['cpu_s']:.1f} ~ {e['cpu_main_thread_s']:.1f} + {e['cpu_threads_s']:.1f} + "
            f"{e['cpu_forkserver_s']:.1f} + {e['cpu_workers_s']:.1f}",
        ),
        (
            "cores used: end-to-end / extraction only (before, after)",
            f"{e['cpu_s'] / e['wall_s']:.2f} / {lim[0]['cores']:.2f}, {lim[1]['cores']:.2f}",
        ),
        (
            "CPU s the limit's own process spent making the pages (before, after)",
            f"{lim[0]['feeder_cpu_s']:.1f}, {lim[1]['feeder_cpu_s']:.1f}",
        ),
        (
            "CPU ms/article: end-to-end / extraction only",
            f"{r['cpu_ms_article']:.1f} / {r['limit_cpu_ms']:.1f}",
        ),
        (
            "ratio by CPU cost (extraction-only CPU/article / end-to-end CPU/article)",
            f"{r['limit_cpu_ms'] / r['cpu_ms_article']:.2f}",
        ),
        (
            "server: requests, req/s, CPU s, most in flight",
            f"{r['server']['requests']}, {r['server_rps']:.0f}, {r['server']['cpu_s']:.1f}, "
            f"{r['server']['max_in_flight']}",
        ),
        (
            "server answer time beyond latency, p50 / max (ms)",
            f"{r['server_extra_ms'][0]:.1f} / {r['server_extra_ms'][1]:.1f}",
        ),
        (
            "cores, load average at start / end",
            f"{os.cpu_count()}, {r['load_start']} / {r['load_end']}",
        ),
        (
            "product commit at start / end (others commit meanwhile)",
            f"{r['commit_start']} / {r['commit']}",
        ),
    ]
    out = ["| measure | value |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows]
    out.append(f"\nGoal (ratio >= 0.80 and peak RSS < 500 MB): {'met' if r['goal'] else 'NOT met'}")
    if r.get("profile"):
        p, n = r["profile"], max(r["profile"]["articles"], 1)
        out += [
            f"\nProfile of the main thread (in-process fetch_once, real extraction pool, "
            f"thread CPU clock, with profiler overhead): {p['articles']} articles, main thread "
            f"{p['main_cpu_s']:.1f} CPU s ({1000 * p['main_cpu_s'] / n:.1f} ms/article), whole "
            f"process {p['process_cpu_s']:.1f} CPU s\n",
            "| scraper function (cumulative, main thread; nested calls overlap) | CPU s | share |",
            "| --- | --- | --- |",
        ]
        out += [f"| `{name}` | {cum:.2f} | {share:.1%} |" for name, cum, share in p["stages"]]
        out += ["\n| function (self time) | CPU s | share |", "| --- | --- | --- |"]
        out += [f"| `{name}` | {t:.2f} | {share:.1%} |" for name, t, share in p["top_self"]]
    return "\n".join(out)


def commit() -> str:
    """The product's commit, and whether its files differ from it (others edit concurrently)."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "scraper"], capture_output=True, text=True
    ).stdout.strip()
    return head + (" + uncommitted changes in scraper/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=50, choices=range(1, 251), metavar="N")
    parser.add_argument("--articles", type=int, default=100, help="articles per site")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per response")
    parser.add_argument("--quick", action="store_true", help="5 sites x 20 articles")
    parser.add_argument("--profile-sources", type=int, default=3, help="0: no profile run")
    parser.add_argument("--timeout", type=float, default=1800, help="for `scraper fetch`")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.articles, args.profile_sources = 5, 20, min(args.profile_sources, 2)
    from tests.corpus import load_pages

    pages = load_pages()
    if not pages:
        print(
            "the corpus ../shared/corpora/article-extraction-benchmark is absent", file=sys.stderr
        )
        return 2
    become_subreaper()
    result: dict[str, Any] = {
        "commit_start": commit(),
        "sites": args.sites,
        "articles_per_site": args.articles,
        "latency": args.latency,
        "load_start": load_average(),
    }
    with (
        NetSite(args.sites, 10, args.latency) as site,
        tempfile.TemporaryDirectory(prefix="throughput-") as tmp,
    ):
        items = posts(args, site)
        site.call("publish", items)
        config = write_config(Path(tmp), site)
        before = extraction_limit(items, site, pages)
        s0, t0 = site.call("stats"), len(site.call("log", 0))
        fetch = run_fetch(config, args.timeout)
        s1, log = site.call("stats"), site.call("log", t0)
        after = extraction_limit(items, site, pages)
        archived, in_stories = export_count(config)
        if args.profile_sources:
            result["profile"] = profile(config, args.profile_sources, Path(tmp))
    extra = sorted(1000 * (end - start - args.latency) for _, _, start, end, _, _ in log)
    server = {
        "requests": s1["requests"] - s0["requests"],
        "cpu_s": s1["cpu_s"] - s0["cpu_s"],
        "max_in_flight": s1["max_in_flight"],
    }
    limit = (before["rate"] + after["rate"]) / 2
    result.update(
        published=len(items),
        archived=archived,
        in_stories=in_stories,
        fetch=fetch,
        limit=[before, after],
        e2e_rate=archived / fetch["wall_s"],
        limit_rate=limit,
        server=server,
        ratio=archived / fetch["wall_s"] / limit,
        server_rps=server["requests"] / fetch["wall_s"],
        cpu_ms_article=1000 * fetch["cpu_s"] / max(archived, 1),
        load_end=load_average(),
        server_extra_ms=(extra[len(extra) // 2], extra[-1]) if extra else (0.0, 0.0),
        limit_cpu_ms=(before["cpu_ms"] + after["cpu_ms"]) / 2,
        commit=commit(),
    )
    result["goal"] = result["ratio"] >= 0.8 and fetch["rss_sum_mb"] < 500
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0 if fetch["exit"] == 0 and archived == len(items) else 1


if __name__ == "__main__":
    sys.exit(main())

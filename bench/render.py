"""Rendering throughput and memory: `scraper fetch` over JavaScript article pages, rendered in
Chromium with 1, 2 and 4 pages at once, against plain fetching of the same articles.

    .venv/bin/python bench/render.py [--articles 100] [--pages 1,2,4] [--peers] [--json]

A local site (127.0.0.1) serves --articles JavaScript articles: an empty shell, its script and
the article as JSON (three requests a page; tests/capturesite.py). The real CLI archives them
once as plain HTTP (`render = "never"`: the shell is all there is to extract) and once per
--pages value with `render = "always"`, politeness off (per_host_delay 0s, 8 requests at once
to the host). Measured per run: wall time, pages per second, articles whose whole text was
archived, CPU of the process tree (the browser's included) and its peak RSS and PSS sampled
every 0.2 s (bench/netsite.py's TreeMeter).

--peers also runs the peers benchmark (../shared/bench/peers: 25 loopback sites x 8 real
articles) twice, as it is and with every source at `render = "auto"`, and reports the renders
(WARC conversion records; 0 means no browser was launched) and the CPU per article of each.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.netsite import TreeMeter, load_average  # noqa: E402
from tests.capturesite import gated_site, paragraphs, publish_js_article, rss  # noqa: E402

PEERS = ROOT.parent / "shared" / "bench" / "peers" / "run.py"


def config(folder: Path, feed: str, render: str, pages: int) -> Path:
    path = folder / "scraper.toml"
    path.write_text(
        f'[archive]\npath = "archive"\n\n[http]\nallow_private_addresses = true\n'
        'per_host_delay = "0s"\nper_host_concurrency = 8\nmax_concurrency = 64\n\n'
        f'[browser]\npages = {pages}\ntimeout = "60s"\n\n'
        f'[[sources]]\nname = "apps"\nfeed = "{feed}"\nrender = "{render}"\n',
        encoding="utf-8",
    )
    return path


def scraper(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper.cli", *args]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def one_run(feed: str, count: int, render: str, pages: int) -> dict[str, Any]:
    """`scraper fetch` once into a fresh archive, measured."""
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        path = config(Path(folder), feed, render, pages)
        started = time.monotonic()
        child = subprocess.Popen(
            scraper("fetch", "--config", str(path)),
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        meter = TreeMeter(child.pid, 0.2)
        meter.start()
        out, err = child.communicate()
        wall = time.monotonic() - started
        meter.stop()
        exported = subprocess.run(
            scraper("export", "--config", str(path)),
            env=environment(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        articles = [json.loads(line) for line in exported.splitlines() if line.strip()]
    complete = sum(
        1 for a in articles if paragraphs(int(a["url"].rsplit("/", 1)[1]))[5] in a["text"]
    )
    rss, largest, pss = meter.peak()
    return {
        "mode": render if render == "never" else f"render, {pages} at once",
        "code": child.returncode,
        "summary": out.strip().splitlines()[-1:] or err.strip().splitlines()[-1:],
        "wall_s": round(wall, 2),
        "pages_per_s": round(len(articles) / wall, 2),
        "archived": len(articles),
        "complete": complete,
        "cpu_s": round(sum(cpu for _, cpu in meter.cpu.values()), 2),
        "peak_rss_mb": round(rss),
        "peak_pss_mb": round(pss),
        "largest_process_mb": round(largest),
        "expected": count,
    }


WRAPPER = """#!/bin/sh
# scraper with every source at render = "{mode}" (the peers benchmark writes its own config)
for arg; do last=$arg; done
if [ "$1" = fetch ] && ! grep -q '^render = ' "$last"; then
  sed -i 's/^\\[http\\]$/[http]\\nrender = "{mode}"/' "$last"
fi
PYTHONPATH={root} exec {python} -m scraper.cli "$@"
"""


def peers_run(mode: str, folder: Path) -> dict[str, Any]:
    """The peers benchmark with every source at `render = mode`: CPU per article, renders."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / f"scraper-{mode}"
    exe.write_text(WRAPPER.format(mode=mode, root=ROOT, python=sys.executable))
    exe.chmod(0o755)
    work = folder / f"peers-{mode}"
    subprocess.run(
        [sys.executable, str(PEERS), "--project", str(exe), "--out", str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    [row] = json.loads((work / "results.json").read_text())["rows"]
    renders = 0
    for file in work.rglob("*.warc.gz"):
        renders += gzip.decompress(file.read_bytes()).count(b"WARC-Type: conversion\r\n")
    archived = row.get("archived", 0)
    return {
        "mode": mode,
        "renders": renders,
        "archived": archived,
        "expected": row.get("expected"),
        "cpu_s": round(row["cpu_s"], 2),
        "cpu_ms_per_article": round(1000 * row["cpu_s"] / archived) if archived else None,
        "body_f1": row.get("F1"),
        "wall_s": round(row["wall_s"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="0: only --peers")
    parser.add_argument("--pages", default="1,2,4")
    parser.add_argument("--peers", action="store_true", help='also the peers benchmark at "auto"')
    parser.add_argument("--rounds", type=int, default=2, help="peers runs of each mode, alternated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = []
    if args.articles > 0:  # 0: the peers benchmark alone
        with gated_site() as site:
            urls = [publish_js_article(site, n) for n in range(1, args.articles + 1)]
            items = [(u, u) for u in urls]
            feed = site.add("/feed.xml", rss(items), content_type="application/rss+xml")
            runs.append(one_run(feed, args.articles, "never", 1))
            for pages in (int(p) for p in args.pages.split(",")):
                runs.append(one_run(feed, args.articles, "always", pages))
    report: dict[str, Any] = {"load_average": load_average(), "runs": runs}
    if args.peers:
        with tempfile.TemporaryDirectory(prefix="bench-render-peers-") as folder:
            report["peers"] = [
                peers_run(mode, Path(folder) / str(n))
                for n in range(args.rounds)
                for mode in ("never", "auto")
            ]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"load average {report['load_average']}")
    print(
        f"{'mode':<20} {'pages/s':>8} {'wall s':>7} {'whole text':>10} {'CPU s':>6} "
        f"{'peak RSS MB':>11} {'peak PSS MB':>11}"
    )
    for run in runs:
        print(
            f"{run['mode']:<20} {run['pages_per_s']:>8} {run['wall_s']:>7} "
            f"{run['complete']:>5}/{run['expected']:<4} {run['cpu_s']:>6} "
            f"{run['peak_rss_mb']:>11} {run['peak_pss_mb']:>11}"
        )
    for peer in report.get("peers", []):
        print(
            f"peers, render = {peer['mode']!r:8}: {peer['renders']} renders, "
            f"{peer['archived']}/{peer['expected']} archived, body F1 {peer['body_f1']:.3f}, "
            f"CPU {peer['cpu_s']} s = {peer['cpu_ms_per_article']} ms per article, "
            f"wall {peer['wall_s']} s"
        )


if __name__ == "__main__":
    main()

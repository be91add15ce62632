"""Memory through faults: `scraper fetch` over a network whose pages hang, drip, never end,
inflate to a gigabyte, break off or fail, then again once they are cured.

    .venv/bin/python bench/fault_memory.py [--hosts 24] [--feeds 2] [--pages 8] [--json]

A server process (bench/netsite.py) serves --hosts hosts (127.0.12.1 ...), each with --feeds RSS
feeds of --pages real corpus pages. Among the pages, one in three answers with a fault, the kinds
taken in turn: hang, drip (16 bytes every 0.5 s), huge (a body that never ends), bomb (a gzip
body inflating to 1 GB), reset mid-body, malformed (cut in half), 500, and a 200 with an empty
body. The real command, `scraper fetch --config <tmp>` (product defaults but for a 10 s
timeout), runs once under a meter sampling its process tree's memory every 50 ms; the faults
are cleared and it runs again. Goal (issue #19): the tree's peak memory under 500 MB, each faulty
page reported as a failure of its page, and after the second run every page archived.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.netsite import NetSite, Post, TreeMeter  # noqa: E402

SCRAPER = str(ROOT / ".venv" / "bin" / "scraper")
KINDS: list[tuple[str, dict[str, Any]]] = [
    ("hang", {}),
    ("drip", {"chunk": 16, "every": 0.5}),
    ("huge", {}),
    ("bomb", {}),
    ("reset", {}),
    ("malformed", {}),
    ("status", {"status": 500}),
    ("empty", {}),
]
GOAL_MB = 500.0


def write_config(folder: Path, site: NetSite, hosts: list[str], feeds: int) -> Path:
    lines = [
        '[archive]\npath = "archive"\n',
        "[http]\nallow_private_addresses = true",
        'timeout = "10s"\nretries = 0\n',
    ]
    for s, host in enumerate(hosts):
        for f in range(feeds):
            lines += [
                "",
                "[[sources]]",
                f'name = "h{s:02d}f{f}"',
                f'feed = "{site.url(host, f"/feeds/{f}.xml")}"',
            ]
    path = folder / "scraper.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(config: Path) -> tuple[int, float, float, float, str]:
    """One `scraper fetch`: exit code, seconds, peak RSS sum and peak PSS sum (MB), stderr."""
    began = time.monotonic()
    proc = subprocess.Popen(
        [SCRAPER, "fetch", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    meter = TreeMeter(proc.pid, 0.05)
    meter.start()
    _, err = proc.communicate()
    meter.stop()
    rss, largest, pss = meter.peak()
    print(f"largest process {largest:.0f} MB", file=sys.stderr)
    return proc.returncode, time.monotonic() - began, rss, pss, err.decode(errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--feeds", type=int, default=2)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with NetSite(args.hosts, 12, 0.02) as site, tempfile.TemporaryDirectory() as tmp:
        posts, faulty = [], []
        for s, host in enumerate(site.addresses):
            for f in range(args.feeds):
                for n in range(args.pages):
                    k = (s * args.feeds + f) * args.pages + n
                    path = f"/articles/{f}-{n:03d}.html"
                    posts.append(
                        Post(
                            host,
                            f"/feeds/{f}.xml",
                            path,
                            k,
                            f"h{s}f{f}n{n}",
                            time.time() - n * 3600,
                        )
                    )
                    if k % 3 == 1:
                        kind, params = KINDS[(k // 3) % len(KINDS)]
                        faulty.append((host, path, kind, params))
        site.call("publish", posts)
        for host, path, kind, params in faulty:
            site.call("fault", host, path, kind, params)
        config = write_config(Path(tmp), site, site.addresses, args.feeds)
        first = run(config)
        missed = sorted(
            {kind for host, path, kind, _ in faulty if site.url(host, path) not in first[4]}
        )
        reported = len(faulty) - sum(site.url(h, p) not in first[4] for h, p, _, _ in faulty)
        for host, path, _, _ in faulty:
            site.call("fault", host, path, None, None)
        second = run(config)
        export = subprocess.run(
            [SCRAPER, "export", "--config", str(config)], capture_output=True, text=True
        )
        archived = len([line for line in export.stdout.splitlines() if line.strip()])
    result = {
        "pages": len(posts),
        "faulty": len(faulty),
        "faulty_reported": reported,
        "kinds_not_reported": missed,
        "first": {
            "exit": first[0],
            "seconds": round(first[1], 1),
            "peak_rss_mb": round(first[2], 1),
            "peak_pss_mb": round(first[3], 1),
        },
        "second": {
            "exit": second[0],
            "seconds": round(second[1], 1),
            "peak_rss_mb": round(second[2], 1),
            "peak_pss_mb": round(second[3], 1),
        },
        "archived": archived,
        "goal_mb": GOAL_MB,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    ok = max(first[2], second[2]) < GOAL_MB and archived == len(posts)
    return 0 if ok and reported == len(faulty) else 1


if __name__ == "__main__":
    sys.exit(main())

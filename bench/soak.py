"""Soak: the daemon over 500 sources on local sites for 10 minutes, with faults injected.

    .venv/bin/python bench/soak.py [--minutes 10] [--quick] [--sites 50] [--feeds 10] [--json]

A server process (bench/netsite.py) serves --sites hosts (127.0.11.1 ...) with --feeds RSS feeds
each (one source per feed), --initial real corpus pages per feed at start; each feed then gains
an article every --every seconds (staggered) during the first 70% of the run. Faults come in
batches every T/10 (at least 15 s), each lasting two periods, during the first half: on feeds a
500, a hang, a reset mid-body, a slow drip, a malformed body, a 429 with Retry-After (which
holds the whole host), and a 500 on a newly published article page. The real daemon,
`scraper run --log-json --config <tmp>` (sources at interval "1m", [daemon] min_interval "30s",
jitter 0.1, product defaults otherwise), runs --minutes, then gets SIGTERM.
Goal (the issue): memory flat (slope of the tree's RSS over the second half ~0 MB/min), nothing
lost (every article served in a clean feed answer is in `scraper export`), every source polled on
time (each gap between feed requests within the delay the daemon scheduled, plus its jitter and
SLACK), exit 0 within the grace period, `scraper verify` exit 0. Sources whose feed misbehaved
or whose host was held by a 429 back off by design: they are reported in their own rows.
The server shares the machine's cores with the daemon and anything else running.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.netsite import NetSite, Post, TreeMeter, load_average  # noqa: E402

SCRAPER = str(ROOT / ".venv" / "bin" / "scraper")
SLACK = 2.0  # seconds a poll may start after its scheduled time (+ jitter) and still be on time
SILENT = 4 * 60 * 1.1 + SLACK  # the longest a healthy source may wait: 4 x interval (+ jitter)
KINDS = [
    ("500", "status", {"status": 500}),
    ("hang", "hang", {}),
    ("reset", "reset", {}),
    ("drip", "drip", {"chunk": 16, "every": 0.5}),
    ("malformed", "malformed", {}),
    ("429", "status", {"status": 429}),
]


def plan(args: argparse.Namespace, site: NetSite, total: float) -> list[tuple[float, str, Any]]:
    """Timed events: ("publish", Post), ("fault", (host, path, label, kind, params)), ("clear")."""
    events: list[tuple[float, str, Any]] = []
    period = max(15.0, total / 10)
    feeds = [(s, host, f) for s, host in enumerate(site.addresses) for f in range(args.feeds)]
    for k, (s, host, f) in enumerate(feeds):
        t, n = args.every * k / len(feeds), args.initial
        while t < 0.7 * total:
            page = (s * args.feeds + f) * 7 + n
            events.append(
                (
                    t,
                    "publish",
                    Post(
                        host,
                        f"/feeds/{f}.xml",
                        f"/articles/{f}-{n:03d}.html",
                        page,
                        f"h{s:02d}f{f}n{n}",
                        0.0,
                    ),
                )
            )
            t, n = t + args.every, n + 1
    batch, t = 0, period / 2
    while t <= total / 2:
        for i, (label, kind, params) in enumerate(
            [*KINDS, ("page 500", "status", {"status": 500})]
        ):
            s, f = (batch * 7 + i) % len(site.addresses), (batch + i) % args.feeds
            host, path = site.addresses[s], f"/feeds/{f}.xml"
            if label == "429":
                params = {**params, "headers": {"Retry-After": str(int(period))}}
            if label == "page 500":  # a new article whose page fails while the fault lasts
                n, path = 900 + batch, f"/articles/{f}-{900 + batch}.html"
                events.append(
                    (
                        t,
                        "publish",
                        Post(host, f"/feeds/{f}.xml", path, s + n, f"h{s:02d}f{f}n{n}", 0.0),
                    )
                )
            events.append((t, "fault", (host, path, label, kind, params)))
            events.append((t + 2 * period, "clear", (host, path)))
        batch, t = batch + 1, t + period
    return sorted(events, key=lambda e: (e[0], e[1] != "fault"))


def write_config(folder: Path, site: NetSite, args: argparse.Namespace) -> Path:
    lines = [
        '[archive]\npath = "archive"\n',
        "[http]\nallow_private_addresses = true\n",
        '[daemon]\nmin_interval = "30s"\njitter = 0.1',
    ]
    if args.concurrency:
        lines.append(f"concurrency = {args.concurrency}")
    pairs = [(s, host, f) for s, host in enumerate(site.addresses) for f in range(args.feeds)]
    if args.order == "spread":  # feed 0 of every site, then feed 1 of every site, ...
        pairs.sort(key=lambda p: (p[2], p[0]))
    for s, host, f in pairs:
        lines += [
            "",
            "[[sources]]",
            f'name = "h{s:02d}f{f}"',
            'interval = "1m"',
            f'feed = "{site.url(host, f"/feeds/{f}.xml")}"',
        ]
    path = folder / "scraper.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def drive(
    args: argparse.Namespace, site: NetSite, proc: subprocess.Popen[bytes], total: float
) -> dict[str, Any]:
    """Play the plan against the server while the daemon runs; returns what was done when."""
    events, start = plan(args, site, total), time.monotonic()
    published: list[tuple[Post, float]] = []
    faults: dict[tuple[str, str], list[Any]] = {}
    while time.monotonic() - start < total and proc.poll() is None:
        now = time.monotonic() - start
        due = [e for e in events if e[0] <= now]
        events = events[len(due) :]
        posts = [replace(p, published=time.time()) for _, k, p in due if k == "publish"]
        if posts:
            site.call("publish", posts)
            published += [(p, p.published) for p in posts]
        for _, kind, what in due:
            if kind == "fault":
                host, path, label, fault, params = what
                site.call("fault", host, path, fault, params)
                faults.setdefault((host, path), []).append([label, time.time(), None])
            elif kind == "clear":
                site.call("fault", what[0], what[1], None, None)
                faults[what][-1][2] = time.time()
        wait = min(1.0, max(0.05, (events[0][0] if events else total) - now))
        time.sleep(min(wait, total - now) if total > now else 0)
    return {"published": published, "faults": faults}


def stop(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int | None, float]:
    """SIGTERM, then wait; SIGKILL after `timeout`. Returns (exit code or None, seconds)."""
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout), time.monotonic() - start
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        return None, time.monotonic() - start


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    if len(points) < 2:
        return 0.0
    mx, my = statistics.fmean(p[0] for p in points), statistics.fmean(p[1] for p in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def polls_by_source(log: list[Any], site: NetSite, feeds: int) -> dict[str, list[float]]:
    """Feed requests grouped into polls (retries within 10 s of an answer are the same poll)."""
    names = {
        (host, f"/feeds/{f}.xml"): f"h{s:02d}f{f}"
        for s, host in enumerate(site.addresses)
        for f in range(feeds)
    }
    polls: dict[str, list[float]] = {name: [] for name in names.values()}
    last_end: dict[str, float] = {}
    for host, path, start, end, _, _ in sorted(log, key=lambda r: r[2]):
        name = names.get((host, path))
        if name is None:
            continue
        if not polls[name] or start - last_end[name] > 10:
            polls[name].append(start)
        last_end[name] = end
    return polls


def analyse(
    args: argparse.Namespace,
    site: NetSite,
    run: dict[str, Any],
    log: list[Any],
    daemon_log: list[dict[str, Any]],
    exported: set[str],
    t0: float,
    end: float,
) -> dict[str, Any]:
    polls = polls_by_source(log, site, args.feeds)
    scheduled: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (logged, next poll)
    page_failures: dict[str, str] = {}
    for line in daemon_log:
        if line.get("next_poll") and line.get("source"):
            when = datetime.fromisoformat(line["time"]).timestamp()
            scheduled[line["source"]].append(
                (when, datetime.fromisoformat(line["next_poll"]).timestamp())
            )
        elif str(line.get("message", "")).startswith(("failed: ", "blocked: ")) and line.get("url"):
            page_failures.setdefault(line["url"], line["message"])
    name_of = {
        (h, f"/feeds/{f}.xml"): f"h{s:02d}f{f}"
        for s, h in enumerate(site.addresses)
        for f in range(args.feeds)
    }
    faulted = {name_of[k] for k in run["faults"] if k in name_of}
    held = {
        name
        for (h, _), v in run["faults"].items()
        if any(f[0] == "429" for f in v)
        for (h2, _), name in name_of.items()
        if h2 == h
    } - faulted
    fault_hosts = {h for h, _ in run["faults"]}
    groups = {
        "feed faulted": faulted,
        "host held by a 429": held,
        "others on hosts with faults": {n for (h, _), n in name_of.items() if h in fault_hosts}
        - faulted
        - held,
        "clean hosts": {n for (h, _), n in name_of.items() if h not in fault_hosts},
    }
    rows = {}
    for group, names in groups.items():
        on_time = gaps = after_failure = 0
        late: list[float] = []
        delays: list[float] = []
        for name in names:
            starts = polls[name]
            for a, b in zip(starts, starts[1:], strict=False):
                done = [n for t, n in scheduled[name] if a - 1 <= t < b]
                if not done:  # the poll at `a` failed: its retry delay is not logged
                    after_failure += 1
                    continue
                delay = done[0] - a
                gaps += 1
                delays.append(delay)
                lateness = b - (done[0] + 0.1 * max(delay, 0))
                late.append(lateness)
                on_time += lateness <= SLACK
        first = [polls[n][0] - t0 for n in names if polls[n]]
        rows[group] = {
            "sources": len(names),
            "never_polled": sum(1 for n in names if not polls[n]),
            "polls": sum(len(polls[n]) for n in names),
            "gaps": gaps,
            "on_time": on_time / gaps if gaps else None,
            "max_late_s": max(late, default=0.0),
            "gaps_after_failure": after_failure,
            "delay_s": (min(delays), statistics.median(delays), max(delays)) if delays else None,
            "first_poll_by_s": max(first, default=None),
            "silent": sorted(
                n
                for n in names
                if polls[n] and end - polls[n][-1] > SILENT and end - t0 > 2 * SILENT
            ),
        }
    clean, not_modified = defaultdict(list), defaultdict(list)  # (host, feed) -> answer starts
    for host, path, start, _, status, fault in log:
        if status in (200, 304) and fault is None:
            (clean if status == 200 else not_modified)[host, path].append(start)
    pending, cut, lost = [], [], []
    for post, published in run["published"]:
        url = site.url(post.host, post.path)
        if url in exported:
            continue
        served = [t for t in clean[post.host, post.feed] if t > published]
        name = name_of[post.host, post.feed]
        if not served:  # the daemon never saw it: its feed was not polled (cleanly) since
            pending.append(url)
        elif not any(t > served[0] for t, _ in scheduled[name]):  # that poll never completed
            cut.append(url)
        else:
            later = sum(1 for t in not_modified[post.host, post.feed] if t > served[0])
            lost.append(
                f"{url} ({page_failures.get(url, 'no failure logged')}; then {later} "
                "feed answers 304)"
            )
    return {"groups": rows, "lost": lost, "cut": cut, "pending": pending}


def hard_timeout(*_: object) -> None:
    raise TimeoutError("the soak overran its hard timeout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="2 minutes")
    parser.add_argument("--sites", type=int, default=50, choices=range(1, 251), metavar="N")
    parser.add_argument("--feeds", type=int, default=10, help="feeds (sources) per site")
    parser.add_argument("--initial", type=int, default=3, help="articles per feed at start")
    parser.add_argument("--every", type=float, default=120.0, help="s between a feed's articles")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per response")
    parser.add_argument("--concurrency", type=int, help="[daemon] concurrency (default: product's)")
    parser.add_argument(
        "--order",
        choices=["site", "spread"],
        default="spread",
        help="sources in the config: a site's feeds together, or spread",
    )
    parser.add_argument("--workdir", help="keep config, archive, daemon log, server log here")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    total = 120.0 if args.quick else args.minutes * 60
    signal.signal(signal.SIGALRM, hard_timeout)
    signal.alarm(int(total + 900))
    result: dict[str, Any] = {
        "minutes": total / 60,
        "sources": args.sites * args.feeds,
        "load_start": load_average(),
    }
    with (
        NetSite(args.sites, 11, args.latency) as site,
        (
            contextlib.nullcontext(args.workdir)
            if args.workdir
            else tempfile.TemporaryDirectory(prefix="soak-")
        ) as tmp,
    ):
        initial = [
            Post(
                h,
                f"/feeds/{f}.xml",
                f"/articles/{f}-{n:03d}.html",
                (s * args.feeds + f) * 7 + n,
                f"h{s:02d}f{f}n{n}",
                time.time() - 3600 * (n + 1),
            )
            for s, h in enumerate(site.addresses)
            for f in range(args.feeds)
            for n in range(args.initial)
        ]
        site.call("publish", initial)
        config = write_config(Path(tmp), site, args)
        err = open(Path(tmp) / "daemon.err", "wb")  # noqa: SIM115 - closed below
        t0 = time.time()
        proc = subprocess.Popen(
            [SCRAPER, "run", "--log-json", "--config", str(config)], stdout=err, stderr=err
        )
        meter = TreeMeter(proc.pid, 5.0)
        meter.start()
        try:
            run = drive(args, site, proc, total)
            crashed = proc.poll()
            meter.stop()  # memory "end" is the last sample before SIGTERM
            code, took = stop(proc, 40.0)
        finally:
            meter.stop()
            if proc.poll() is None:
                proc.kill()
            err.close()
        run["published"] = [(p, p.published) for p in initial] + run["published"]
        log = site.call("log", 0)
        stats = site.call("stats")
        (Path(tmp) / "server-log.json").write_text(json.dumps(log))
        out = subprocess.run(
            [SCRAPER, "export", "--format", "jsonl", "--config", str(config)],
            capture_output=True,
            timeout=300,
        )
        exported = {json.loads(line)["url"] for line in out.stdout.splitlines() if line.strip()}
        verify = subprocess.run(
            [SCRAPER, "verify", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        lines, kinds, odd, examples = [], Counter(), 0, {}
        for raw in (Path(tmp) / "daemon.err").read_text(errors="replace").splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                odd += 1
                continue
            if lines[-1].get("level") in {"warning", "error", "critical"}:
                text = re.sub(r"https?://\S+|\d+(\.\d+)?", "#", lines[-1].get("message", ""))
                kind = f"{lines[-1]['level']}: {text[:90]}"
                kinds[kind] += 1
                examples.setdefault(kind, str(lines[-1].get("error") or raw)[:400])
        result.update(analyse(args, site, run, log, lines, exported, t0, t0 + total))
    mem = [(t, rss, pss) for t, rss, _, _, pss in meter.samples]
    half = [m for m in mem if m[0] - mem[0][0] >= total / 2] if mem else []
    result.update(
        crashed_before_end=crashed is not None,
        exit_code=code,
        stop_s=took,
        verify_exit=verify.returncode,
        verify_tail=verify.stdout.strip().splitlines()[-3:],
        published=len(run["published"]),
        archived=len(exported),
        faults=sum(len(v) for v in run["faults"].values()),
        server=stats,
        server_requests=len(log),
        rss_mb=[round(m[1]) for m in mem],
        rss_start_max_end=(mem[0][1], max(m[1] for m in mem), mem[-1][1]) if mem else None,
        pss_start_max_end=(mem[0][2], max(m[2] for m in mem), mem[-1][2]) if mem else None,
        rss_slope=60 * slope([(m[0], m[1]) for m in half]),
        pss_slope=60 * slope([(m[0], m[2]) for m in half]),
        log_kinds=dict(kinds.most_common()),
        log_examples=examples,
        log_unparsed=odd,
        daemon_cpu_s=sum(meter.cpu_by_depth().values()),
        load_end=load_average(),
    )
    print(json.dumps(result, indent=2, default=str) if args.json else render(result))
    good = code == 0 and result["verify_exit"] == 0 and not result["lost"]
    return 0 if good else 1


def render(r: dict[str, Any]) -> str:
    rss, pss = r["rss_start_max_end"] or (0, 0, 0), r["pss_start_max_end"] or (0, 0, 0)
    rows = [
        ("sources, minutes", f"{r['sources']}, {r['minutes']:.1f}"),
        (
            "RSS of the daemon's tree start / max / end (MB)",
            "{:.0f} / {:.0f} / {:.0f}".format(*rss),
        ),
        ("PSS of the tree start / max / end (MB)", "{:.0f} / {:.0f} / {:.0f}".format(*pss)),
        (
            "RSS / PSS slope over the second half (MB/min)",
            f"{r['rss_slope']:+.2f} / {r['pss_slope']:+.2f}",
        ),
        ("articles published / in export", f"{r['published']} / {r['archived']}"),
        (
            "lost: in a clean feed answer to a poll that completed, not in export",
            str(len(r["lost"])),
        ),
        ("cut: in a clean feed answer to a poll that did not complete", str(len(r["cut"]))),
        ("pending: not served since published (feed not polled since)", str(len(r["pending"]))),
        ("faults injected", str(r["faults"])),
        ("daemon died before the end", str(r["crashed_before_end"])),
        ("exit code after SIGTERM, seconds to exit", f"{r['exit_code']}, {r['stop_s']:.1f}"),
        ("`scraper verify` exit code", str(r["verify_exit"])),
        ("daemon CPU s (tree, /proc)", f"{r['daemon_cpu_s']:.0f}"),
        ("server requests, CPU s", f"{r['server_requests']}, {r['server']['cpu_s']:.1f}"),
        ("load average at start / end (2 cores, shared)", f"{r['load_start']} / {r['load_end']}"),
    ]
    out = ["| measure | value |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows]
    out += [
        f"\nPolls on time (gap <= delay the daemon scheduled x 1.1 + {SLACK:.0f} s):\n",
        "| sources | n | never polled | polls | gaps judged | on time | max late s | gaps after"
        f" a failed poll | scheduled delay min/median/max s | all polled once by s | no poll "
        f"in the last {SILENT:.0f} s |",
        "|" + " --- |" * 11,
    ]
    for group, g in r["groups"].items():
        share = "n/a" if g["on_time"] is None else f"{g['on_time']:.1%}"
        delay = "n/a" if not g["delay_s"] else "{:.0f} / {:.0f} / {:.0f}".format(*g["delay_s"])
        first = "n/a" if g["first_poll_by_s"] is None else f"{g['first_poll_by_s']:.0f}"
        out.append(
            f"| {group} | {g['sources']} | {g['never_polled']} | {g['polls']} | "
            f"{g['gaps']} | {share} | {g['max_late_s']:.1f} | {g['gaps_after_failure']} |"
            f" {delay} | {first} | {len(g['silent'])} {' '.join(g['silent'][:6])} |"
        )
    out += ["\n| daemon warning/error log lines by kind | count |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in list(r["log_kinds"].items())[:20]]
    for name in ("lost", "cut", "pending"):
        if r[name]:
            out.append(f"\n{name} ({len(r[name])}): " + ", ".join(r[name][:20]))
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())

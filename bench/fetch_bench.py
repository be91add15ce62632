"""Fetch-layer benchmark: many feeds over many hosts, against the bound politeness allows.

    .venv/bin/python bench/fetch_bench.py [--hosts 200] [--feeds-per-host 10] [--latency 0.02]
        [--per-host-concurrency 2] [--per-host-delay 1] [--max-concurrency 32] [--json]

A server in a child process answers on 127.0.9.1 ... 127.0.9.N (one listening socket per address,
one port), each host serving /robots.txt (allow-all) and /feed/0.xml ... (distinct ~5 KB RSS 2.0
feeds with ETags), every response delayed by --latency. One `Fetcher` (with the real SQLite fetch
log and WARC writer, in a temporary archive) fetches every feed at once with asyncio.gather and
lets its politeness limiter schedule them; a second pass re-polls conditionally (all 304s).
Reported per pass: requests/s against the bound the politeness rules allow, wall and CPU time,
TCP connections opened, and what the server saw (most requests in flight per host, smallest gap
between request arrivals per host); then the client's peak RSS (ru_maxrss, interpreter included).
Goal (from the issue): >= 90% of the bound, peak RSS < 300 MB. Exit status 1 when the server saw
the politeness rules broken or requests went missing, 2 on the global --timeout.
The server runs in its own process, so its CPU is not counted as ours, but it shares the
machine's cores with the client (and with anything else running). The archive's fsyncs make the
result depend on the disk under --tmpdir.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from email.utils import formatdate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

ROBOTS = b"User-agent: *\nAllow: /\n"
SLACK = 0.01  # seconds of timer and scheduling jitter allowed in the server's gap measurements


def host_address(index: int) -> str:
    return f"127.0.{9 + index // 250}.{1 + index % 250}"


def make_feed(host: str, number: int) -> bytes:
    """A realistic RSS 2.0 document of about 5 KB with 10 items, distinct per host and feed."""
    date = formatdate(1_700_000_000 + number * 3600, usegmt=True)
    items = "".join(
        f"""  <item>
    <title>Story {i} of feed {number} on {host}: council approves the new budget plan</title>
    <link>http://{host}/news/{number}/{i}.html</link>
    <guid isPermaLink="true">http://{host}/news/{number}/{i}.html</guid>
    <pubDate>{formatdate(1_700_000_000 + number * 3600 - i * 600, usegmt=True)}</pubDate>
    <dc:creator>Reporter {i % 4}</dc:creator><category>Local</category>
    <description>The council voted on item {i} after a long debate about roads, schools and parks.
    Critics said the plan spends too little on repairs.</description>
  </item>
"""
        for i in range(10)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        f"  <title>Feed {number} of {host}</title>\n  <link>http://{host}/</link>\n"
        f"  <description>Benchmark feed</description>\n  <lastBuildDate>{date}</lastBuildDate>\n"
        f"{items}</channel>\n</rss>\n"
    ).encode()


# -- the server (child process) -------------------------------------------------------------------
class Site:
    """Every host's documents, and what the server saw: request starts and requests in flight."""

    def __init__(self, hosts: int, feeds: int, latency: float) -> None:
        self.latency = latency
        self.docs: dict[tuple[str, str], tuple[bytes, str]] = {}
        for h in range(hosts):
            for f in range(feeds):
                body = make_feed(host_address(h), f)
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                self.docs[host_address(h), f"/feed/{f}.xml"] = (body, etag)
        self.open: set[asyncio.StreamWriter] = set()  # connections, closed when the server stops
        self.reset()

    def reset(self) -> None:
        self.starts: dict[str, list[float]] = defaultdict(list)
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.total_in_flight = self.max_total = self.connections = 0
        self.cpu0 = self.cpu()

    @staticmethod
    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def respond(self, host: str, path: str, headers: dict[str, str]) -> tuple[int, bytes, bytes]:
        if path == "/robots.txt":
            return 200, b"Content-Type: text/plain\r\n", ROBOTS
        if (host, path) not in self.docs:
            return 404, b"Content-Type: text/plain\r\n", b"not found\n"
        body, etag = self.docs[host, path]
        extra = f"ETag: {etag}\r\nLast-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n".encode()
        if headers.get("if-none-match") == etag:
            return 304, extra, b""
        return 200, b"Content-Type: application/rss+xml; charset=utf-8\r\n" + extra, body

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        self.connections += 1
        self.open.add(writer)
        try:
            while True:  # HTTP/1.1 keep-alive: one request after another on this connection
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                path = head[0].split(" ")[1]
                headers = dict(
                    (k.strip().lower(), v.strip())
                    for k, _, v in (line.partition(":") for line in head[1:] if line)
                )
                self.starts[host].append(time.monotonic())
                self.in_flight[host] += 1
                self.total_in_flight += 1
                self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
                self.max_total = max(self.max_total, self.total_in_flight)
                try:
                    await asyncio.sleep(self.latency)
                    status, extra, body = self.respond(host, path, headers)
                    self.statuses[status] += 1
                    writer.write(
                        f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n".encode()
                        + extra
                        + b"\r\n"
                        + body
                    )
                    await writer.drain()
                finally:
                    self.in_flight[host] -= 1
                    self.total_in_flight -= 1
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self.open.discard(writer)
            writer.close()

    def snapshot(self) -> dict[str, Any]:
        return {
            "starts": dict(self.starts),
            "max_in_flight": dict(self.max_in_flight),
            "max_total": self.max_total,
            "statuses": dict(self.statuses),
            "connections": self.connections,
            "cpu": self.cpu() - self.cpu0,
        }


async def _serve(conn: Any, hosts: int, feeds: int, latency: float) -> None:
    site = Site(hosts, feeds, latency)
    for _ in range(5):  # the first address picks a free port; the others must get the same one
        servers: list[asyncio.Server] = []
        try:
            for h in range(hosts):
                port = servers[0].sockets[0].getsockname()[1] if servers else 0
                servers.append(await asyncio.start_server(site.handle, host_address(h), port))
            break
        except OSError:
            for server in servers:
                server.close()
    else:
        raise OSError("could not bind one port on every host address")
    port = servers[0].sockets[0].getsockname()[1]
    loop, done = asyncio.get_running_loop(), asyncio.Event()

    def command() -> None:  # "stats" answers the counts since the last "stats"; anything else stops
        try:
            if conn.recv() == "stats":
                conn.send(site.snapshot())
                site.reset()
                return
        except EOFError:
            pass
        done.set()

    loop.add_reader(conn.fileno(), command)
    conn.send(port)
    await done.wait()
    for writer in list(site.open):  # idle keep-alive handlers end on EOF, not by cancellation
        writer.close()
    await asyncio.sleep(0.1)


def serve(conn: Any, hosts: int, feeds: int, latency: float) -> None:
    asyncio.run(_serve(conn, hosts, feeds, latency))


# -- the client (this process) --------------------------------------------------------------------
def bound_seconds(args: argparse.Namespace, per_host: int) -> float:
    """The least wall time the politeness rules allow for `per_host` requests to every host."""
    spaced = (per_host - 1) * args.per_host_delay + args.latency  # starts >= delay apart
    per_host_slots = -(-per_host // args.per_host_concurrency) * args.latency
    global_slots = args.hosts * per_host * args.latency / args.max_concurrency
    return max(spaced, per_host_slots, global_slots)


def ask(conn: Any, message: str) -> Any:
    conn.send(message)
    if not conn.poll(30):
        raise TimeoutError("the benchmark server stopped answering")
    return conn.recv()


async def run_pass(
    args: argparse.Namespace, fetcher: Any, conn: Any, name: str, robots: int
) -> dict[str, Any]:
    urls = [
        f"http://{host_address(h)}:{args.port}/feed/{f}.xml"
        for f in range(args.feeds_per_host)
        for h in range(args.hosts)
    ]
    cpu0, t0 = time.process_time(), time.monotonic()
    results = await asyncio.gather(
        *(fetcher.fetch(u, source=u.split("/")[2], kind="feed", conditional=True) for u in urls),
        return_exceptions=True,
    )
    wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
    seen = await asyncio.to_thread(ask, conn, "stats")
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    statuses = Counter(r.status for r in results if not isinstance(r, BaseException))
    requests = sum(len(starts) for starts in seen["starts"].values())
    expected = args.hosts * (args.feeds_per_host + robots)
    bound = bound_seconds(args, args.feeds_per_host + robots)
    gaps = [b - a for starts in seen["starts"].values() for a, b in itertools.pairwise(starts)]
    return {
        "pass": name,
        "requests": requests,
        "expected": expected,
        "wall_s": wall,
        "rps": requests / wall,
        "bound_s": bound,
        "bound_rps": expected / bound,
        "ratio": bound / wall,
        "client_cpu_s": cpu,
        "server_cpu_s": seen["cpu"],
        "connections": seen["connections"],
        "max_in_flight_per_host": max(seen["max_in_flight"].values(), default=0),
        "max_in_flight_total": seen["max_total"],
        "min_gap_s": min(gaps, default=None),
        "statuses": dict(statuses),
        "server_statuses": seen["statuses"],
        "errors": dict(errors),
    }


async def run_client(args: argparse.Namespace, conn: Any, archive: Path) -> list[dict[str, Any]]:
    from scraper.config.settings import (
        HttpSettings,  # imported here so the server process stays small
    )
    from scraper.fetch.fetcher import Fetcher
    from scraper.store.sqlite import SQLiteStore
    from scraper.store.warc import WarcWriterPool

    store = SQLiteStore(archive)
    warc = WarcWriterPool(
        archive / "warc", archive, lookup=store.find_payload, remember=store.remember_payload
    )
    settings = HttpSettings(
        allow_private_addresses=True,
        per_host_concurrency=args.per_host_concurrency,
        per_host_delay=args.per_host_delay,
        max_concurrency=args.max_concurrency,
    )
    passes = []
    try:
        async with asyncio.timeout(args.timeout), Fetcher(settings, store, warc) as fetcher:
            passes.append(await run_pass(args, fetcher, conn, "first fetch", robots=1))
            await asyncio.sleep(args.per_host_delay)  # every host's gap elapses between passes
            passes.append(await run_pass(args, fetcher, conn, "conditional re-poll", robots=0))
    finally:
        warc.close()
        store.close()
    return passes


def table(passes: list[dict[str, Any]], rss_mb: float, base_mb: float) -> str:
    rows = [
        "| pass | requests | wall s | req/s | bound req/s | ratio | client CPU s | server CPU s"
        " | TCP conns | max in flight/host | min start gap/host s | answers |",
        "|" + " --- |" * 12,
    ]
    for p in passes:
        gap = "n/a" if p["min_gap_s"] is None else f"{p['min_gap_s']:.3f}"
        answers = ", ".join(f"{k}: {v}" for k, v in {**p["statuses"], **p["errors"]}.items())
        rows.append(
            f"| {p['pass']} | {p['requests']}/{p['expected']} | {p['wall_s']:.2f} | "
            f"{p['rps']:.1f} | {p['bound_rps']:.1f} | {p['ratio']:.2f} | "
            f"{p['client_cpu_s']:.2f} | {p['server_cpu_s']:.2f} | {p['connections']} | "
            f"{p['max_in_flight_per_host']} | {gap} | {answers} |"
        )
    rows.append(f"\nClient peak RSS: {rss_mb:.0f} MB ({base_mb:.0f} MB before fetching).")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=200, choices=range(1, 1001), metavar="N")
    parser.add_argument("--feeds-per-host", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per response")
    parser.add_argument("--per-host-concurrency", type=int, default=2)
    parser.add_argument("--per-host-delay", type=float, default=1.0)
    parser.add_argument("--max-concurrency", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this long")
    parser.add_argument("--tmpdir", help="where the temporary archive goes (its disk matters)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(theirs, args.hosts, args.feeds_per_host, args.latency), daemon=True
    )
    server.start()
    try:
        if not ours.poll(60):
            raise TimeoutError("the benchmark server did not start")
        args.port = ours.recv()
        base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with tempfile.TemporaryDirectory(prefix="fetch-bench-", dir=args.tmpdir) as tmp:
            passes = asyncio.run(run_client(args, ours, Path(tmp)))
    except TimeoutError as error:
        print(f"fetch_bench: gave up: {str(error) or f'over {args.timeout:g}s'}", file=sys.stderr)
        return 2
    finally:
        with contextlib.suppress(OSError):
            ours.send("stop")
        server.join(5)
        if server.is_alive():
            server.kill()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    polite = all(
        p["max_in_flight_per_host"] <= args.per_host_concurrency
        and (p["min_gap_s"] is None or p["min_gap_s"] >= args.per_host_delay - SLACK)
        for p in passes
    )
    complete = all(p["requests"] == p["expected"] and not p["errors"] for p in passes)
    goal = all(p["ratio"] >= 0.9 for p in passes) and rss_mb < 300
    if args.json:
        print(
            json.dumps(
                {
                    "settings": vars(args),
                    "passes": passes,
                    "peak_rss_mb": rss_mb,
                    "base_rss_mb": base_mb,
                    "polite": polite,
                    "complete": complete,
                    "goal_met": goal,
                },
                indent=2,
            )
        )
    else:
        print(table(passes, rss_mb, base_mb))
        print(
            f"Politeness respected: {polite}. All requests answered: {complete}. "
            f"Goal (>= 90% of bound, RSS < 300 MB): {'met' if goal else 'NOT met'}."
        )
    return 0 if polite and complete else 1


if __name__ == "__main__":
    sys.exit(main())

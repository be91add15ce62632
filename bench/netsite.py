"""Shared by bench/throughput.py and bench/soak.py: loopback news sites, and a process-tree meter.

`NetSite` starts a child process serving HTTP/1.1 (asyncio, keep-alive) on 127.0.N.1 ...
127.0.N.H, one explicitly bound socket per address, all on one port. Every host serves
/robots.txt (allow all), RSS 2.0 feeds (with ETags, so polls can be conditional) and article
pages built from the real pages of ../shared/corpora/article-extraction-benchmark: each copy gets
a title suffix and a paragraph naming its tag, so no two pages, URLs or bodies are equal (and
every reuse of a page after its first has the words of its paragraphs shuffled, so that no two
bodies share 5-word shingles and dedupe sees no republications). Pages
are built on request (5,000 copies of 170 KB pages are never held). Every response waits
`latency` seconds; faults per (host, path) on demand; every request is logged (wall clock).
The child is separate so its CPU is not counted as the client's, but it shares the cores.

`TreeMeter` samples a process tree from /proc (RSS summed and per process, CPU per process).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gzip
import hashlib
import io
import multiprocessing
import os
import random
import re
import resource
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

ROBOTS = b"User-agent: *\nAllow: /\n"
RSS = "application/rss+xml; charset=utf-8"
_TITLE = re.compile(r"(<title[^>]*>)(.*?)(</title>)", re.IGNORECASE | re.DOTALL)
_PARA_END = re.compile(r"</p\s*>", re.IGNORECASE)
_MARKUP = re.compile(
    r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_SELF_URL = re.compile(r"<link\b[^>]*\bcanonical\b[^>]*>|<meta\b[^>]*\bog:url\b[^>]*>", re.I)
_URL_ATTR = re.compile(r"""\b(href|content)\s*=\s*(["'])[^"']*\2""", re.IGNORECASE)


def host_address(net: int, index: int) -> str:
    return f"127.0.{net}.{index + 1}"


def unique_html(html: str, tag: str, path: str, scramble: bool = False) -> str:
    """The page with its <title> suffixed and a paragraph naming `tag` after its first </p>,
    its canonical link and og:url pointing at itself (`path`), not at the corpus original.

    With `scramble` (every reuse of a corpus page after the first), the words of each text in
    <body> are also shuffled (seeded by `tag`): same markup, words and lengths, so extraction
    does the same work, but 5-word shingles no longer match, so dedupe sees no republications.
    """
    if scramble:  # shuffle the words of every text between tags in <body>, scripts left alone
        rng, start = random.Random(tag), max(0, html.lower().find("<body"))
        parts = _MARKUP.split(html[start:])
        for i in range(0, len(parts), 2):
            if len(words := parts[i].split()) > 1:
                rng.shuffle(words)
                parts[i] = f" {' '.join(words)} "
        html = html[:start] + "".join(parts)
    html = _SELF_URL.sub(lambda m: _URL_ATTR.sub(rf"\1=\2{path}\2", m[0]), html)
    html = _TITLE.sub(lambda m: f"{m[1]}{m[2]} ({tag}){m[3]}", html, count=1)
    end = _PARA_END.search(html)
    at = end.end() if end else 0
    note = f"<p>Benchmark copy {tag}: a paragraph that makes this copy of the page unique.</p>"
    return html[:at] + note + html[at:]


@dataclass(frozen=True)
class Post:
    """An article page at `path` on `host`, listed in the feed at `feed` (newest first)."""

    host: str
    feed: str
    path: str
    page: int  # index into the corpus (modulo its size)
    tag: str
    published: float  # Unix time


def page_html(pages: list[Any], post: Post) -> str:
    """The HTML served for `post`: its corpus page, unique, scrambled after the first use."""
    page = pages[post.page % len(pages)]
    return unique_html(page.html, post.tag, post.path, post.page >= len(pages))


# -- the server (child process) -------------------------------------------------------------------
@functools.cache
def _gzip_bomb() -> bytes:
    """1 GB of zeros, gzip-compressed (about 1 MB), made once."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as stream:
        zeros = bytes(1 << 20)
        for _ in range(1024):
            stream.write(zeros)
    return out.getvalue()


class Network:
    def __init__(self, latency: float) -> None:
        from tests.corpus import load_pages

        self.pages = load_pages()
        if not self.pages:
            raise SystemExit("the corpus ../shared/corpora/article-extraction-benchmark is absent")
        self.latency, self.port = latency, 0
        self.posts: dict[tuple[str, str], Post] = {}
        self.feeds: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.faults: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self.log: list[tuple[str, str, float, float, int | None, str | None]] = []
        self.open: set[asyncio.StreamWriter] = set()
        self.in_flight = self.max_in_flight = 0

    def publish(self, posts: list[Post]) -> None:
        from tests.testsite import FeedItem, page_title, rss_feed

        touched = set()
        for post in posts:
            self.posts[post.host, post.path] = post
            touched.add((post.host, post.feed))
        for host, feed in touched:
            base = f"http://{host}:{self.port}"
            items = []
            for post in sorted(
                (p for p in self.posts.values() if (p.host, p.feed) == (host, feed)),
                key=lambda p: -p.published,
            ):
                page = self.pages[post.page % len(self.pages)]
                url = base + post.path
                items.append(
                    FeedItem(
                        url=url,
                        title=f"{page_title(page)} ({post.tag})",
                        guid=url,
                        published=datetime.fromtimestamp(post.published, UTC),
                        summary=" ".join(page.body.split())[:200] or None,
                    )
                )
            body = rss_feed(items, f"Feed {feed} of {host}", base + "/", feed_url=base + feed)
            data = body.encode()
            self.feeds[host, feed] = (data, '"' + hashlib.sha1(data).hexdigest()[:16] + '"')

    def respond(self, host: str, path: str, headers: dict[str, str]) -> tuple[int, str, bytes, str]:
        """Status, content type, body, ETag ("" for none) of a clean answer."""
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS, ""
        if (host, path) in self.feeds:
            body, etag = self.feeds[host, path]
            if headers.get("if-none-match") == etag:
                return 304, RSS, b"", etag
            return 200, RSS, body, etag
        post = self.posts.get((host, path))
        if post is None:
            return 404, "text/plain", b"not found\n", ""
        html = page_html(self.pages, post)
        return 200, "text/html; charset=utf-8", html.encode(), ""

    @staticmethod
    def head(status: int, content_type: str, length: int, extra: str = "") -> bytes:
        return (
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n"
        ).encode()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        self.open.add(writer)
        try:
            while True:  # keep-alive: one request after another on this connection
                lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                start = time.time()
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                status, fault = None, self.faults.get((host, path))
                try:
                    await asyncio.sleep(self.latency)
                    if fault is None:
                        status, kind, body, etag = self.respond(host, path, headers)
                        extra = f"ETag: {etag}\r\n" if etag else ""
                        writer.write(self.head(status, kind, len(body), extra) + body)
                        await writer.drain()
                    else:
                        status = await self.misbehave(host, path, fault, reader, writer)
                finally:
                    self.in_flight -= 1
                    self.log.append(
                        (host, path, start, time.time(), status, fault[0] if fault else None)
                    )
                if fault is not None or headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
            pass
        finally:
            self.open.discard(writer)
            writer.close()

    async def misbehave(
        self,
        host: str,
        path: str,
        fault: tuple[str, dict[str, Any]],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> int | None:
        """Answer with a fault; the connection is closed afterwards. Returns the status sent."""
        kind, params = fault
        status, content_type, body, _ = self.respond(host, path, {})
        if kind == "status":  # e.g. 500, or 429 with {"Retry-After": "60"}
            extra = "".join(f"{k}: {v}\r\n" for k, v in params.get("headers", {}).items())
            writer.write(self.head(params["status"], "text/plain", 6, extra) + b"error\n")
            await writer.drain()
            return int(params["status"])
        if kind == "malformed":  # a 200 whose feed breaks off in the middle of an entry
            broken = body[: len(body) // 2] + b"<item><title>broken & <link>"
            writer.write(self.head(200, content_type, len(broken)) + broken)
            await writer.drain()
            return 200
        if kind == "hang":  # never answer; wait for the client to give up
            with contextlib.suppress(ConnectionError, OSError):
                while await reader.read(65536):
                    pass
            return None
        if kind == "reset":  # half the body, then a TCP RST
            writer.write(self.head(status, content_type, len(body)) + body[: len(body) // 2])
            await writer.drain()
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return status
        if kind == "drip":  # the whole body, `chunk` bytes every `every` seconds
            writer.write(self.head(status, content_type, len(body)))
            chunk, every = int(params.get("chunk", 16)), float(params.get("every", 0.5))
            for at in range(0, len(body), chunk):
                await asyncio.sleep(every)
                if writer.is_closing():
                    break
                writer.write(body[at : at + chunk])
                await writer.drain()
            return status
        if kind == "huge":  # a 200 whose body never ends (no length): megabytes as fast as read
            writer.write(f"HTTP/1.1 200 X\r\nContent-Type: {content_type}\r\n\r\n".encode())
            block = b"<p>" + b"x" * 65_530 + b"</p>"
            with contextlib.suppress(ConnectionError, OSError):
                for _ in range(int(params.get("blocks", 16_000))):  # 1 GB at most
                    if writer.is_closing():
                        break
                    writer.write(block)
                    await writer.drain()
            return 200
        if kind == "empty":  # a 200 with no body at all
            writer.write(self.head(200, content_type, 0))
            await writer.drain()
            return 200
        if kind == "bomb":  # a small gzip body that inflates to a gigabyte
            bomb = _gzip_bomb()
            writer.write(self.head(200, content_type, len(bomb), "Content-Encoding: gzip\r\n"))
            writer.write(bomb)
            await writer.drain()
            return 200
        raise ValueError(f"unknown fault {kind!r}")

    def stats(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "requests": len(self.log),
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_in_flight": self.max_in_flight,
            "rss_mb": usage.ru_maxrss / 1024,
        }


async def _serve(conn: Any, addresses: list[str], latency: float) -> None:
    net = Network(latency)
    for _ in range(10):  # the first address picks a free port; the others must get the same one
        servers: list[asyncio.Server] = []
        try:
            for address in addresses:
                port = servers[0].sockets[0].getsockname()[1] if servers else 0
                servers.append(await asyncio.start_server(net.handle, address, port, backlog=512))
            break
        except OSError:
            for server in servers:
                server.close()
    else:
        raise OSError("could not bind one port on every host address")
    net.port = servers[0].sockets[0].getsockname()[1]
    done = asyncio.Event()

    def command() -> None:
        try:
            name, *args = conn.recv()
        except EOFError:
            name, args = "stop", []
        if name == "stop":
            done.set()
            return
        if name == "publish":
            conn.send(net.publish(args[0]))
        elif name == "fault":  # host, path, kind (None clears), params
            if args[2] is None:
                net.faults.pop((args[0], args[1]), None)
            else:
                net.faults[args[0], args[1]] = (args[2], args[3])
            conn.send(None)
        elif name == "log":  # entries from index args[0] on
            conn.send(net.log[args[0] :])
        elif name == "stats":
            conn.send(net.stats())

    asyncio.get_running_loop().add_reader(conn.fileno(), command)
    conn.send(net.port)
    await done.wait()
    for server in servers:
        server.close()
    for writer in list(net.open):
        writer.close()
    await asyncio.sleep(0.1)


def serve(conn: Any, addresses: list[str], latency: float) -> None:
    asyncio.run(_serve(conn, addresses, latency))


class NetSite:
    """The parent's handle on the server process; a context manager."""

    def __init__(self, hosts: int, net: int, latency: float) -> None:
        self.addresses = [host_address(net, i) for i in range(hosts)]
        self.latency = latency
        self.port = 0
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=serve, args=(child, self.addresses, latency), daemon=True
        )
        self._lock = threading.Lock()

    def __enter__(self) -> NetSite:
        self._process.start()
        if not self._conn.poll(60):
            raise TimeoutError("the site server did not start")
        self.port = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(("stop",))
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def call(self, *message: Any, timeout: float = 60.0) -> Any:
        with self._lock:
            self._conn.send(message)
            if not self._conn.poll(timeout):
                raise TimeoutError(f"the site server did not answer {message[0]!r}")
            return self._conn.recv()


# -- measuring a process tree ------------------------------------------------------------------
def become_subreaper() -> None:
    """Orphaned descendants (e.g. a forkserver outliving its parent) become our children, so
    their CPU time reaches RUSAGE_CHILDREN once we reap them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap(pids: set[int], timeout: float = 10.0) -> None:
    """Wait (bounded) for these processes if they are our children now; ignore the others."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                break
            time.sleep(0.05)


def _stat(pid: int, path: str = "") -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS bytes) of a process (or thread), or None if it is gone."""
    try:
        with open(path or f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, int(fields[21]) * 4096


def _pss(pid: int) -> int:
    """Proportional set size in bytes: each shared page split among the processes sharing it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used so far; 0 if it is gone."""
    stat = _stat(pid)
    return stat[1] if stat else 0.0


class TreeMeter(threading.Thread):
    """Samples the tree under `root` every `period` s: RSS sum and largest, CPU per process."""

    def __init__(self, root: int, period: float) -> None:
        super().__init__(daemon=True)
        self.root, self.period = root, period
        # (time, RSS sum MB, largest RSS MB, processes, PSS sum MB: shared pages counted once)
        self.samples: list[tuple[float, float, float, int, float]] = []
        self.cpu: dict[int, tuple[int, float]] = {}  # pid -> (depth under root, CPU s)
        self.seen: set[int] = set()
        self.threads: dict[int, float] = {}  # thread id of the root process -> CPU s
        self._halt = threading.Event()

    def sample(self) -> None:
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit() and (stat := _stat(int(name))) is not None:
                stats[int(name)] = stat
        depth = {self.root: 0} if self.root in stats else {}
        frontier = list(depth)
        while frontier:
            parent = frontier.pop()
            for pid, (ppid, _, _) in stats.items():
                if ppid == parent and pid not in depth:
                    depth[pid] = depth[parent] + 1
                    frontier.append(pid)
        if not depth:
            return
        rss = [stats[pid][2] / 2**20 for pid in depth]
        pss = sum(_pss(pid) for pid in depth) / 2**20
        self.samples.append((time.monotonic(), sum(rss), max(rss), len(rss), pss))
        for pid, level in depth.items():
            self.cpu[pid] = (level, stats[pid][1])
        self.seen |= set(depth)
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{self.root}/task"):
                if (stat := _stat(int(tid), f"/proc/{self.root}/task/{tid}/stat")) is not None:
                    self.threads[int(tid)] = stat[1]

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.period)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)

    def cpu_by_depth(self) -> dict[int, float]:
        """CPU seconds by depth: 0 the command, 1 its children (forkserver...), 2 theirs."""
        out: dict[int, float] = {}
        for level, cpu in self.cpu.values():
            out[level] = out.get(level, 0.0) + cpu
        return out

    def peak(self) -> tuple[float, float, float]:
        """Peaks of the tree's RSS sum, of one process's RSS and of the tree's PSS sum, MB."""
        return tuple(max((s[i] for s in self.samples), default=0.0) for i in (1, 2, 4))  # type: ignore[return-value]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())

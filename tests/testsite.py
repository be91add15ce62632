"""A real HTTP/1.1 server on 127.0.0.x for tests: pages, feeds and network faults on demand.

Why a real server rather than mocks: timeouts, connection reuse, size caps, decompression and
per-host politeness only get exercised honestly over real sockets. Typical use::

    with TestSite() as site:                      # or TestSite("127.0.0.2") for a second host
        site.add("/a.html", "<html>...</html>", etag='"v1"')
        site.fault("/slow", "latency", seconds=0.5)
        urls = publish_corpus(site, load_pages(10), kind="atom")
        ...                                       # point the product at site.url("/feed.xml")
        assert site.max_in_flight <= 2

Everything here is thread-safe; handlers run one thread per connection.
"""

from __future__ import annotations

import contextlib
import functools
import html as html_lib
import json
import os
import re
import select
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from tests.corpus import CorpusPage

KiB = 1024
MiB = 1024 * KiB

FaultKind = Literal[
    "status",
    "hang",
    "drip",
    "reset",
    "bad_length",
    "bad_gzip",
    "gzip_bomb",
    "huge",
    "redirect",
    "redirect_loop",
    "latency",
    "empty",
]

_REQUIRED: Any = object()

# Parameters (with defaults) accepted by each fault kind; see TestSite.fault for meanings.
_FAULT_PARAMS: dict[str, dict[str, Any]] = {
    "status": {"status": 500, "headers": None, "body": b""},
    "hang": {},
    "drip": {
        "bytes_per_chunk": 1,
        "interval": 0.1,
        "total": None,
        "body": None,
        "headers_too": False,
    },
    "reset": {"after": None, "body": None},
    "bad_length": {"body": None, "claimed": None},
    "bad_gzip": {"body": None},
    "gzip_bomb": {"size": 200 * MiB},
    "huge": {"size": 100 * MiB, "chunked": False, "content_length": True, "chunk_size": 64 * KiB},
    "redirect": {"location": _REQUIRED, "status": 302},
    "redirect_loop": {"status": 302, "cycle": False},
    "latency": {"seconds": 1.0},
    "empty": {"status": 200},
}

_FILLER_LINE = b"<p>All work and no play makes Jack a dull boy.</p>\n"


class Headers(dict[str, str]):
    """Request headers stored under lower-case names; item access, get and `in` ignore case."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


@dataclass
class LoggedRequest:
    """One request as the server saw it; `finished`/`status` stay None until it is answered."""

    method: str
    path: str  # request target as sent: path plus query
    headers: Headers
    started: float  # time.monotonic() when the request head had been read
    host_header: str | None
    client: tuple[str, int]
    finished: float | None = None
    status: int | None = None  # status line sent, if any (None for hang, or before answering)


@dataclass(frozen=True)
class _Resource:
    body: bytes
    status: int
    content_type: str
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Fault:
    kind: str
    params: dict[str, Any]


class TestSite:
    """An HTTP/1.1 keep-alive server on ``host`` (any 127.0.0.x) and an ephemeral port.

    It starts serving on construction in a background thread; use it as a context manager
    or call :meth:`close`. Unknown paths answer 404. Lookups (resources and faults) match the
    request's path+query exactly first, then the path alone.
    """

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.latency: float = 0.0  # seconds added before every response (faults included)
        self.errors: list[BaseException] = []  # unexpected handler exceptions (fixture bugs)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._closed = False
        self._resources: dict[str, _Resource] = {}
        self._live: dict[str, tuple[Callable[[int], str], list[int]]] = {}
        self._faults: dict[str, _Fault] = {}
        self._log: list[LoggedRequest] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._conns: dict[socket.socket, threading.Thread] = {}
        self._server = _Server((host, port), self)
        self.host: str = host
        self.port: int = self._server.server_address[1]
        self.base_url: str = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"TestSite {self.base_url}",
            daemon=True,
        )
        self._thread.start()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> TestSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, timeout: float = 2.0) -> None:
        """Stop accepting, cut every open connection (hung ones too) and join handler threads."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            conns = list(self._conns.items())
        for sock, _ in conns:
            _shutdown(sock)
        deadline = time.monotonic() + timeout
        for _, thread in conns:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._thread.join(max(0.0, deadline - time.monotonic()))

    # -- content -----------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | datetime | None = None,
    ) -> str:
        """Register (or replace) the resource at ``path``; returns its absolute URL.

        With ``etag`` (quotes added if missing) or ``last_modified`` the response carries
        them and conditional GETs (If-None-Match, else If-Modified-Since) get 304 without a
        body. ``headers`` are sent as well and override defaults of the same name.
        """
        if etag is not None and not etag.startswith(('"', 'W/"')):
            etag = f'"{etag}"'
        if isinstance(last_modified, datetime):
            last_modified = format_datetime(_utc(last_modified), usegmt=True)
        resource = _Resource(
            body=_to_bytes(body),
            status=status,
            content_type=content_type,
            headers=tuple((headers or {}).items()),
            etag=etag,
            last_modified=last_modified,
        )
        with self._lock:
            self._live.pop(path, None)
            self._resources[path] = resource
        return self.url(path)

    def remove(self, path: str) -> None:
        """Forget the resource at ``path`` (it then answers 404); faults are kept."""
        with self._lock:
            self._resources.pop(path, None)

    def robots(self, text: str | None) -> None:
        """Serve ``text`` as /robots.txt, or 404 when None (use add() for e.g. a 503)."""
        if text is None:
            self.remove("/robots.txt")
        else:
            self.add("/robots.txt", text, content_type="text/plain; charset=utf-8")

    def fault(self, path: str, kind: FaultKind | None, **params: Any) -> None:
        """Make ``path`` misbehave (it takes precedence over add()); ``kind=None`` clears it.

        Kinds and their parameters (defaults in brackets). "Body" defaults to the resource
        registered at the path, if any, else filler bytes.

        - ``status``: answer ``status`` [500] with ``headers`` [{}] and ``body`` [b""];
          e.g. 429/503 with ``{"Retry-After": "2"}``.
        - ``hang``: read the request, never answer; ends when the client leaves or on close().
        - ``drip``: send 200 and the body ``bytes_per_chunk`` [1] bytes every ``interval``
          [0.1] s; ``total`` pads/cuts the body to that size [1024 without a resource];
          ``headers_too`` [False] drips the status line and headers as well. Defeats
          per-read timeouts; only an overall deadline stops it.
        - ``reset``: send headers (full Content-Length) and ``after`` bytes [half] of
          ``body`` [64 KiB], then abort the connection with a TCP RST.
        - ``bad_length``: Content-Length ``claimed`` [len(body)+1000] but send only
          ``body`` [1 KiB], then close (FIN).
        - ``bad_gzip``: ``Content-Encoding: gzip`` on ``body`` that is not gzip.
        - ``gzip_bomb``: a small gzip body inflating to ``size`` [200 MiB] zero bytes; built
          once per size from one compressed 1 MiB block, so cheap in time and memory.
        - ``huge``: ``size`` [100 MiB] filler bytes streamed in ``chunk_size`` [64 KiB]
          pieces, never held in memory; with Content-Length, or ``chunked=True`` for
          chunked encoding, or ``content_length=False`` for a close-delimited body.
        - ``redirect``: ``status`` [302] to ``location`` (required, sent verbatim).
        - ``redirect_loop``: ``path`` -> ``path/1`` -> ``path/2`` -> ... forever (each hop a
          new absolute URL), or with ``cycle=True`` ``path`` <-> ``path/1``; ``status`` [302].
        - ``latency``: wait ``seconds`` [1.0] then answer normally.
        - ``empty``: ``status`` [200] with an empty body.
        """
        with self._lock:
            if kind is None:
                self._faults.pop(path, None)
                return
        if kind not in _FAULT_PARAMS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(_FAULT_PARAMS)}")
        defaults = _FAULT_PARAMS[kind]
        unknown = set(params) - set(defaults)
        if unknown:
            raise TypeError(f"fault {kind!r} takes no parameter(s) {sorted(unknown)}")
        merged = {**defaults, **params}
        missing = [name for name, value in merged.items() if value is _REQUIRED]
        if missing:
            raise TypeError(f"fault {kind!r} needs parameter(s) {missing}")
        if kind == "gzip_bomb":
            merged["_payload"] = _gzip_zeros(merged["size"])
        with self._lock:
            self._faults[path] = _Fault(kind, merged)

    # -- observation -------------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """Snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[LoggedRequest]:
        """Logged requests whose target is ``path`` (with query), or whose path is ``path``."""
        return [r for r in self.requests if r.path == path or r.path.split("?", 1)[0] == path]

    def clear_log(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()

    @property
    def in_flight(self) -> int:
        """Requests being served right now."""
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        """Peak number of requests served concurrently since start or reset_stats()."""
        with self._lock:
            return self._max_in_flight

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until no request is in flight; False on timeout.

        A client can see the last byte of a response just before the server thread records
        it as finished, so check in_flight / finished only after this.
        """
        deadline = time.monotonic() + timeout
        while self.in_flight:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def reset_stats(self) -> None:
        """Restart the max_in_flight peak from the current in-flight count."""
        with self._lock:
            self._max_in_flight = self._in_flight

    # -- internals used by the handler -------------------------------------------------------

    def _register(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns[sock] = threading.current_thread()
            closing = self._closing.is_set()
        if closing:
            _shutdown(sock)

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.pop(sock, None)

    def _begin(self, handler: _Handler) -> LoggedRequest:
        headers = Headers()
        for name, value in handler.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        record = LoggedRequest(
            method=handler.command,
            path=handler.path,
            headers=headers,
            started=time.monotonic(),
            host_header=handler.headers.get("Host"),
            client=(handler.client_address[0], handler.client_address[1]),
        )
        with self._lock:
            self._log.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        return record

    def _end(self, record: LoggedRequest) -> None:
        record.finished = time.monotonic()
        with self._lock:
            self._in_flight -= 1

    def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; False if the site is closing (the caller should give up)."""
        return seconds <= 0 or not self._closing.wait(seconds)

    def add_live(self, path: str, render: Callable[[int], str]) -> str:
        """Serve at ``path`` an HTML page made anew for each request: ``render(n)`` for the
        n-th request (0, 1, ...), as a page with live parts (a clock, a ticker) is."""
        with self._lock:
            self._resources.pop(path, None)
            self._live[path] = (render, [0])
        return self.url(path)

    def _find_resource(self, target: str) -> _Resource | None:
        with self._lock:
            live = _lookup(self._live, target)
            if live is not None:
                render, count = live[1]
                count[0] += 1
                body = render(count[0] - 1)
                return _Resource(_to_bytes(body), 200, "text/html; charset=utf-8", (), None, None)
            found = _lookup(self._resources, target)
        return found[1] if found else None

    def _find_fault(self, target: str) -> tuple[str, _Fault] | None:
        with self._lock:
            found = _lookup(self._faults, target)
            if found:
                return found
            base, _, last = target.split("?", 1)[0].rpartition("/")
            loop = self._faults.get(base)
            if last.isdigit() and loop is not None and loop.kind == "redirect_loop":
                return base, loop
        return None


def _lookup(table: Mapping[str, Any], target: str) -> tuple[str, Any] | None:
    if target in table:
        return target, table[target]
    path = target.split("?", 1)[0]
    if path in table:
        return path, table[path]
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # TestSite.close joins handler threads itself, with a deadline
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: TestSite) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), which can be slow.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) or exc is None:
            return  # a client or close() cut the connection: expected in fault tests
        self.site.errors.append(exc)
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TestSite/1.0"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def setup(self) -> None:
        super().setup()
        self.server.site._register(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.site._unregister(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:
            # Client went away, a reset fault detached the socket, or close() cut it.
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    # -- dispatch ----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        site = self.server.site
        self._drain_request_body()
        if self.path.startswith(("http://", "https://")):  # absolute-form target
            parts = urlsplit(self.path)
            self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        record = site._begin(self)
        try:
            self._respond(site, record)
        finally:
            site._end(record)

    def _respond(self, site: TestSite, record: LoggedRequest) -> None:
        if not site._sleep(site.latency):
            self.close_connection = True
            return
        found = site._find_fault(self.path)
        if found is None:
            self._serve(site._find_resource(self.path), record)
            return
        base, fault = found
        if fault.kind == "latency":
            if not site._sleep(fault.params["seconds"]):
                self.close_connection = True
                return
            self._serve(site._find_resource(self.path), record)
            return
        handler: Callable[[TestSite, dict[str, Any], LoggedRequest, str], None]
        handler = getattr(self, f"_fault_{fault.kind}")
        handler(site, fault.params, record, base)

    def _drain_request_body(self) -> None:
        length = self.headers.get("Content-Length", "")
        if length.isdigit():
            self.rfile.read(int(length))
        elif "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # not worth parsing; just don't reuse the connection

    # -- response writing --------------------------------------------------------------------

    def _head(self, status: int, headers: Sequence[tuple[str, str]]) -> bytes:
        """Status line and headers, raw, so faults can send them piecemeal or alone."""
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"HTTP/1.1 {status} {reason}",
            f"Date: {format_datetime(datetime.now(UTC), usegmt=True)}",
            f"Server: {self.server_version}",
        ]
        lines += [f"{name}: {value}" for name, value in headers]
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send(
        self, status: int, headers: Sequence[tuple[str, str]], body: bytes, record: LoggedRequest
    ) -> None:
        if not any(name.lower() == "content-length" for name, _ in headers):
            headers = [*headers, ("Content-Length", str(len(body)))]
        payload = self._head(status, headers)
        if self.command != "HEAD":
            payload += body
        record.status = status
        self.wfile.write(payload)

    def _write_body(self, data: bytes | memoryview) -> None:
        if self.command != "HEAD":
            self.wfile.write(data)

    def _serve(self, resource: _Resource | None, record: LoggedRequest) -> None:
        if resource is None:
            self._send(404, [("Content-Type", "text/plain; charset=utf-8")], b"not found", record)
            return
        validators = []
        if resource.etag:
            validators.append(("ETag", resource.etag))
        if resource.last_modified:
            validators.append(("Last-Modified", resource.last_modified))
        if (
            resource.status == 200
            and self.command in ("GET", "HEAD")
            and self._not_modified(resource)
        ):
            record.status = 304
            self.wfile.write(self._head(304, _merge(validators, resource.headers)))
            return
        headers = _merge([("Content-Type", resource.content_type), *validators], resource.headers)
        self._send(resource.status, headers, resource.body, record)

    def _not_modified(self, resource: _Resource) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # RFC 9110: when present, If-Modified-Since is ignored
            return resource.etag is not None and _etag_matches(if_none_match, resource.etag)
        since = _parse_http_date(self.headers.get("If-Modified-Since"))
        modified = _parse_http_date(resource.last_modified)
        return since is not None and modified is not None and since >= modified

    def _fault_body(self, site: TestSite, body: bytes | str | None, default_size: int) -> bytes:
        if body is not None:
            return _to_bytes(body)
        resource = site._find_resource(self.path)
        return resource.body if resource is not None else _filler(default_size)

    # -- faults (signature: site, params, record, matched fault path) ------------------------

    def _fault_status(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        headers = _merge(
            [("Content-Type", "text/plain; charset=utf-8")], (p["headers"] or {}).items()
        )
        self._send(p["status"], headers, _to_bytes(p["body"]), rec)

    def _fault_hang(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        self.close_connection = True
        conn = self.connection
        while not site._closing.is_set():
            try:
                readable, _w, _x = select.select([conn], [], [], 0.05)
                if readable and not conn.recv(64 * KiB):
                    return  # client gave up
            except (OSError, ValueError):
                return

    def _fault_drip(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        body = self._fault_body(site, p["body"], p["total"] or KiB)
        if p["total"] is not None:
            body = _fit(body, p["total"])
        content_type = self._content_type(site)
        head = self._head(200, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        if self.command == "HEAD":
            body = b""
        rec.status = 200
        if p["headers_too"]:
            data = head + body
        else:
            self.wfile.write(head)
            data = body
        step = max(1, int(p["bytes_per_chunk"]))
        for start in range(0, len(data), step):
            if not site._sleep(p["interval"]):
                self.close_connection = True
                return
            self.wfile.write(data[start : start + step])

    def _fault_reset(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        body = self._fault_body(site, p["body"], 64 * KiB)
        after = len(body) // 2 if p["after"] is None else min(int(p["after"]), len(body))
        headers = [("Content-Type", self._content_type(site)), ("Content-Length", str(len(body)))]
        rec.status = 200
        self.wfile.write(self._head(200, headers) + body[:after])
        self.close_connection = True
        _abort(self.connection)

    def _fault_bad_length(
        self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str
    ) -> None:
        body = self._fault_body(site, p["body"], KiB)
        claimed = len(body) + 1000 if p["claimed"] is None else int(p["claimed"])
        headers = [("Content-Type", self._content_type(site)), ("Content-Length", str(claimed))]
        rec.status = 200
        self.wfile.write(self._head(200, headers))
        self._write_body(body)
        self.close_connection = True  # server closes after the short body

    def _fault_bad_gzip(
        self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str
    ) -> None:
        body = _to_bytes(p["body"]) if p["body"] is not None else b"this is not gzip data " * 20
        headers = [("Content-Type", self._content_type(site)), ("Content-Encoding", "gzip")]
        self._send(200, headers, body, rec)

    def _fault_gzip_bomb(
        self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str
    ) -> None:
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
        self._send(200, headers, p["_payload"], rec)

    def _fault_huge(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        size = int(p["size"])
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if p["chunked"]:
            headers.append(("Transfer-Encoding", "chunked"))
        elif p["content_length"]:
            headers.append(("Content-Length", str(size)))
        else:
            self.close_connection = True  # body ends when the connection does
        rec.status = 200
        self.wfile.write(self._head(200, headers))
        if self.command == "HEAD":
            return
        for chunk in _filler_chunks(size, int(p["chunk_size"])):
            if site._closing.is_set():
                self.close_connection = True
                return
            if p["chunked"]:
                self.wfile.write(b"%x\r\n" % len(chunk))
                self.wfile.write(chunk)
                self.wfile.write(b"\r\n")
            else:
                self.wfile.write(chunk)
        if p["chunked"]:
            self.wfile.write(b"0\r\n\r\n")

    def _fault_redirect(
        self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str
    ) -> None:
        headers = [("Location", p["location"]), ("Content-Type", "text/plain; charset=utf-8")]
        self._send(int(p["status"]), headers, b"", rec)

    def _fault_redirect_loop(
        self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, base: str
    ) -> None:
        path = self.path.split("?", 1)[0]
        hop = 0 if path == base else int(path.rpartition("/")[2])
        target = f"{base}/{hop + 1}"
        if p["cycle"]:
            target = f"{base}/1" if hop == 0 else base
        headers = [("Location", site.url(target)), ("Content-Type", "text/plain; charset=utf-8")]
        self._send(int(p["status"]), headers, b"", rec)

    def _fault_empty(self, site: TestSite, p: dict[str, Any], rec: LoggedRequest, _: str) -> None:
        self._send(int(p["status"]), [("Content-Type", self._content_type(site))], b"", rec)

    def _content_type(self, site: TestSite) -> str:
        resource = site._find_resource(self.path)
        return resource.content_type if resource is not None else "text/html; charset=utf-8"


# -- small helpers ------------------------------------------------------------------------------


def _to_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _merge(
    defaults: Iterable[tuple[str, str]], overrides: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Default headers, minus any that ``overrides`` names (case-insensitively), plus those."""
    extra = list(overrides)
    replaced = {name.lower() for name, _ in extra}
    return [(n, v) for n, v in defaults if n.lower() not in replaced] + extra


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as RFC 9110 prescribes for If-None-Match."""
    if header.strip() == "*":
        return True
    own = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == own for tag in header.split(","))


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return _utc(parsed)


def _utc(moment: datetime) -> datetime:
    """Aware UTC datetime; naive ones are taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _abort(sock: socket.socket) -> None:
    """Close with SO_LINGER 0 so the kernel sends RST instead of FIN.

    The fd is detached first: the handler's buffered reader still references the socket
    object, so a plain close() would be deferred and never reach the kernel in time.
    """
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        os.close(sock.detach())
    except OSError:
        pass


def _filler(size: int) -> bytes:
    repeats = size // len(_FILLER_LINE) + 1
    return (_FILLER_LINE * repeats)[:size]


def _fit(body: bytes, size: int) -> bytes:
    return body[:size] if len(body) >= size else body + _filler(size - len(body))


def _filler_chunks(size: int, chunk_size: int) -> Iterator[memoryview]:
    """``size`` filler bytes as views of one reused block: constant memory at any size."""
    block = memoryview(_filler(chunk_size))
    sent = 0
    while sent < size:
        piece = block[: min(chunk_size, size - sent)]
        sent += len(piece)
        yield piece


@functools.lru_cache(maxsize=4)
def _gzip_zeros(size: int) -> bytes:
    """A gzip member that inflates to ``size`` zero bytes, in about size/1000 bytes.

    One 1 MiB block is deflated once and ended with a full flush, which resets the
    compressor's history: the result references nothing before it, so repeating it is a
    valid deflate stream. Only the CRC has to walk all ``size`` bytes (fast, no allocation).
    """
    block = bytes(MiB)
    unit_comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = unit_comp.compress(block) + unit_comp.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, MiB)
    tail_comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_comp.compress(block[:rest]) + tail_comp.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(block[:rest], crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no name, mtime 0
    return header + unit * count + tail + struct.pack("<II", crc, size & 0xFFFFFFFF)


# -- feeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One feed entry; naive ``published`` datetimes are taken as UTC."""

    url: str
    title: str
    guid: str | None = None
    published: datetime | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


# Characters XML 1.0 forbids even when escaped; real page text occasionally contains them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FALLBACK_UPDATED = datetime(2024, 1, 1, tzinfo=UTC)


def _text(value: str) -> str:
    return escape(_XML_INVALID.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_XML_INVALID.sub("", value))


def rss_feed(
    items: Sequence[FeedItem],
    title: str = "TestSite feed",
    link: str = "http://127.0.0.1/",
    description: str = "A feed served by TestSite",
    feed_url: str | None = None,
) -> str:
    """RSS 2.0 document; authors become dc:creator (RSS <author> wants an e-mail address)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{_text(title)}</title>",
        f"<link>{_text(link)}</link>",
        f"<description>{_text(description)}</description>",
    ]
    if feed_url:
        out.append(f'<atom:link href={_attr(feed_url)} rel="self" type="application/rss+xml"/>')
    for item in items:
        out += ["<item>", f"<title>{_text(item.title)}</title>", f"<link>{_text(item.url)}</link>"]
        if item.guid is not None:
            permalink = "true" if item.guid == item.url else "false"
            out.append(f'<guid isPermaLink="{permalink}">{_text(item.guid)}</guid>')
        if item.published is not None:
            out.append(f"<pubDate>{format_datetime(_utc(item.published))}</pubDate>")
        if item.summary is not None:
            out.append(f"<description>{_text(item.summary)}</description>")
        out += [f"<dc:creator>{_text(author)}</dc:creator>" for author in item.authors]
        out += [f"<category>{_text(tag)}</category>" for tag in item.tags]
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def atom_feed(
    items: Sequence[FeedItem],
    title: str = "TestSite feed",
    link: str = "http://127.0.0.1/",
    feed_url: str | None = None,
    feed_id: str | None = None,
) -> str:
    """Atom 1.0 document; entry id is the guid or URL, updated is published (or 2024-01-01)."""
    dates = [_utc(item.published) for item in items if item.published is not None]
    updated = max(dates, default=_FALLBACK_UPDATED)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{_text(title)}</title>",
        f"<id>{_text(feed_id or feed_url or link)}</id>",
        f"<updated>{updated.isoformat()}</updated>",
        f'<link rel="alternate" href={_attr(link)}/>',
        "<author><name>TestSite</name></author>",
    ]
    if feed_url:
        out.append(f'<link rel="self" href={_attr(feed_url)}/>')
    for item in items:
        published = _utc(item.published) if item.published is not None else None
        out += [
            "<entry>",
            f"<title>{_text(item.title)}</title>",
            f"<id>{_text(item.guid or item.url)}</id>",
            f'<link rel="alternate" href={_attr(item.url)}/>',
            f"<updated>{(published or _FALLBACK_UPDATED).isoformat()}</updated>",
        ]
        if published is not None:
            out.append(f"<published>{published.isoformat()}</published>")
        if item.summary is not None:
            out.append(f'<summary type="text">{_text(item.summary)}</summary>')
        out += [f"<author><name>{_text(author)}</name></author>" for author in item.authors]
        out += [f"<category term={_attr(tag)}/>" for tag in item.tags]
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def json_feed(
    items: Sequence[FeedItem],
    title: str = "TestSite feed",
    link: str = "http://127.0.0.1/",
    feed_url: str | None = None,
) -> str:
    """JSON Feed 1.1 document; content_text is the summary (the spec requires some content)."""
    entries = []
    for item in items:
        entry: dict[str, Any] = {
            "id": item.guid or item.url,
            "url": item.url,
            "title": item.title,
            "content_text": item.summary or "",
        }
        if item.summary is not None:
            entry["summary"] = item.summary
        if item.published is not None:
            entry["date_published"] = _utc(item.published).isoformat()
        if item.authors:
            entry["authors"] = [{"name": author} for author in item.authors]
        if item.tags:
            entry["tags"] = list(item.tags)
        entries.append(entry)
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": link,
    }
    if feed_url:
        document["feed_url"] = feed_url
    document["items"] = entries
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


FEED_FORMATS: dict[str, tuple[Callable[..., str], str]] = {
    "rss": (rss_feed, "application/rss+xml; charset=utf-8"),
    "atom": (atom_feed, "application/atom+xml; charset=utf-8"),
    "json": (json_feed, "application/feed+json; charset=utf-8"),
}

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page_title(page: CorpusPage) -> str:
    """The page's <title> text (unescaped, whitespace collapsed), or its id if it has none."""
    match = _TITLE.search(page.html)
    title = " ".join(html_lib.unescape(match.group(1)).split()) if match else ""
    return title or page.id


def publish_corpus(
    site: TestSite,
    pages: Sequence[CorpusPage],
    feed_path: str = "/feed.xml",
    kind: Literal["rss", "atom", "json"] = "rss",
    prefix: str = "/articles/",
    now: datetime | None = None,
    etag: str | None = None,
) -> list[str]:
    """Serve each page at ``prefix + id[:12] + ".html"`` plus a feed of them at ``feed_path``
    (with ``etag``, the feed answers conditional GETs with 304).

    Items come newest first, published over the 7 days before ``now`` (default: current
    time), guid = article URL, summary = start of the true article body. Returns the
    article URLs in page order.
    """
    builder, content_type = FEED_FORMATS[kind]
    now = _utc(now or datetime.now(UTC)).replace(microsecond=0)
    step = timedelta(days=7) / max(len(pages), 1)
    urls, items = [], []
    for index, page in enumerate(pages):
        url = site.add(f"{prefix}{page.id[:12]}.html", page.html)
        urls.append(url)
        summary = " ".join(page.body.split())[:200] or None
        published = (now - step * (index + 1)).replace(microsecond=0)
        items.append(
            FeedItem(
                url=url, title=page_title(page), guid=url, published=published, summary=summary
            )
        )
    feed = builder(
        items, title=f"TestSite {site.host}", link=site.url("/"), feed_url=site.url(feed_path)
    )
    site.add(feed_path, feed, content_type=content_type, etag=etag)
    return urls

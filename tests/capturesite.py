"""Local servers for capture tests: gated pages, JavaScript article apps, a forwarding proxy.

Real sockets on 127.0.0.1, as in `tests.testsite`: a page answers 403 unless the request carries
the header (or cookie) it is gated on, an article can be an empty shell its script fills in, and
the proxy forwards absolute-form requests and remembers what went through it.
"""

from __future__ import annotations

import html
import http.client
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import CHROMIUM


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    gate: tuple[str, str] | None = None  # (header, substring its value must contain)


class GatedSite:
    """An HTTP server whose pages may demand a header; every request is logged."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers lower-cased)
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path if "://" in self.path else self.path
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site._lock:
                    site.requests.append((path, headers))
                page = site.pages.get(path)
                if page is None:
                    self._answer(404, b"not found", "text/plain")
                elif page.gate and page.gate[1] not in headers.get(page.gate[0].lower(), ""):
                    self._answer(403, b"subscribers only", "text/plain")
                else:
                    self._answer(200, page.body, page.content_type)

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(self, path: str, body: str | bytes, **kwargs: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **kwargs)
        return self.url(path)

    def requests_to(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ForwardingProxy:
    """A plain HTTP forward proxy: absolute-form GETs are fetched and relayed."""

    def __init__(self) -> None:
        self.seen: list[str] = []  # absolute URLs forwarded
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                target = urlsplit(self.path)
                proxy.seen.append(self.path)
                connection = http.client.HTTPConnection(target.hostname or "", target.port or 80)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
                path = target.path + (f"?{target.query}" if target.query else "")
                connection.request("GET", path or "/", headers=headers)
                answer = connection.getresponse()
                body = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(name, value)
                self.send_header("Via", "1.1 test-proxy")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                connection.close()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def gated_site(host: str = "127.0.0.1") -> Iterator[GatedSite]:
    site = GatedSite(host)
    try:
        yield site
    finally:
        site.close()


@contextmanager
def forwarding_proxy() -> Iterator[ForwardingProxy]:
    proxy = ForwardingProxy()
    try:
        yield proxy
    finally:
        proxy.close()


def rss(items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<guid>{html.escape(u)}</guid></item>"
        for t, u in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'


def article_html(title: str, paragraphs: list[str]) -> str:
    """A plain server-rendered article page."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{html.escape(title)}</title></head>"
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    )


def js_app_html(script: str) -> str:
    """A JavaScript shell: an empty app root, a noscript notice and one script."""
    return (
        "<!doctype html><html lang='en'><head><title>Loading...</title>"
        f"<script src='{script}' defer></script></head><body>"
        "<noscript>You need to enable JavaScript to run this app.</noscript>"
        "<div id='root'></div></body></html>"
    )


def js_app_script(data_path: str) -> str:
    """The app's script: it fetches the article as JSON and builds the page."""
    return (
        f"fetch({json.dumps(data_path)}).then(r => r.json()).then(a => {{"
        "  document.title = a.title;"
        "  const root = document.getElementById('root');"
        "  const art = document.createElement('article');"
        "  const h = document.createElement('h1'); h.textContent = a.title; art.appendChild(h);"
        "  for (const text of a.paragraphs) {"
        "    const p = document.createElement('p'); p.textContent = text; art.appendChild(p);"
        "  }"
        "  root.appendChild(art);"
        "});"
    )


def paragraphs(seed: int, count: int = 6) -> list[str]:
    """Distinct article text: sentences a reader would recognise as prose."""
    words = [
        "harbour",
        "council",
        "budget",
        "river",
        "school",
        "election",
        "market",
        "bridge",
        "winter",
        "museum",
        "railway",
        "festival",
        "hospital",
        "library",
        "farmers",
        "mayor",
        "tunnel",
        "station",
        "coast",
        "forest",
    ]
    out = []
    for n in range(count):
        picked = [words[(seed * 7 + n * 3 + k) % len(words)] for k in range(12)]
        out.append(
            f"Article {seed} paragraph {n}: the {picked[0]} and the {picked[1]} met the "
            f"{picked[2]} near the {picked[3]}, while the {picked[4]} reported on the "
            f"{picked[5]}, the {picked[6]} and the {picked[7]} for readers of the {picked[8]}."
        )
    return out


def publish_js_article(site: GatedSite, number: int, *, data_host: str | None = None) -> str:
    """An article that exists only once its script has run: an empty shell, the app's script,
    and the article as JSON (served from `data_host`, an absolute URL, when given)."""
    data_path = f"/data/{number}.json"
    article = {"title": f"Rendered story {number}", "paragraphs": paragraphs(number)}
    site.add(data_path, json.dumps(article), content_type="application/json")
    script = js_app_script((data_host or "") + data_path)
    site.add(f"/app/{number}.js", script, content_type="text/javascript")
    return site.add(f"/story/{number}", js_app_html(f"/app/{number}.js"))


def require_render() -> None:
    """Skip (or, on CI, fail) a test that renders when Chromium or Playwright is missing."""
    missing = [] if CHROMIUM.exists() else [str(CHROMIUM)]
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not missing:
        return
    reason = (
        f"rendering needs {', '.join(missing)} (apt-get install chromium; pip install -e '.[test]')"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)

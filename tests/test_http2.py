"""HTTP/2 over TLS against a real local server (hypercorn, with a throwaway CA from trustme)."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypercorn.asyncio import serve
from hypercorn.config import Config
from warcio.archiveiterator import ArchiveIterator

from scraper.config.settings import HttpSettings
from scraper.fetch.fetcher import Fetcher
from scraper.store.sqlite import SQLiteStore
from scraper.store.warc import WarcWriterPool

PAGE = b"<html><body><p>Served over HTTP/2.</p></body></html>"


class H2Site:
    """An ASGI app that answers every path with PAGE and notes each request's protocol and
    client port (one port per TCP connection)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.seen.append((scope["path"], scope["http_version"], scope["client"][1]))
        await asyncio.sleep(0.05)  # requests overlap, so a second connection would be needed
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": PAGE})


@pytest.fixture(scope="module")
def h2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, H2Site, Any]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    folder = tmp_path_factory.mktemp("h2")
    cert.private_key_pem.write_to_path(str(folder / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    with socket.socket() as probe:  # a free port for hypercorn to bind
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile, config.keyfile = str(folder / "cert.pem"), str(folder / "key.pem")
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = config.errorlog = None
    config.graceful_timeout = 0.5
    site = H2Site()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    serving = serve(site, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]
    thread = threading.Thread(target=loop.run_until_complete, args=(serving,), daemon=True)
    thread.start()
    for _ in range(250):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.02)
    else:
        pytest.fail("hypercorn did not start")
    context = ssl.create_default_context()
    ca.configure_trust(context)
    yield f"https://127.0.0.1:{port}", site, context
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)


async def test_https_fetch_speaks_http2_and_shares_one_connection(
    tmp_path: Path, h2_server: tuple[str, H2Site, Any]
) -> None:
    base, site, context = h2_server
    settings = HttpSettings(
        allow_private_addresses=True, per_host_delay=0.0, per_host_concurrency=2, obey_robots=False
    )
    store = SQLiteStore(tmp_path)
    warc = WarcWriterPool(tmp_path / "warc", tmp_path)
    try:
        async with Fetcher(settings, store, warc, ssl_context=context) as fetcher:
            exchanges = await asyncio.gather(
                *(fetcher.fetch(f"{base}/article/{n}.html") for n in range(4))
            )
    finally:
        warc.close()
        store.close()
    assert [e.status for e in exchanges] == [200] * 4
    assert all(e.content == PAGE for e in exchanges)
    mine = [s for s in site.seen if s[0].startswith("/article/")]
    assert {version for _, version, _ in mine} == {"2"}
    assert len({port for _, _, port in mine}) == 1  # multiplexed: one TCP connection for all

    records = []
    for path in (tmp_path / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    payload = record.content_stream().read()
                    records.append((record, payload))
    assert len(records) == 4
    record, payload = records[0]
    assert record.rec_headers.get_header("WARC-Protocol") == "h2"
    assert record.http_headers.protocol == "HTTP/1.1"  # HTTP/1.x syntax, readable by replay
    assert record.http_headers.get_statuscode() == "200"
    assert payload == PAGE

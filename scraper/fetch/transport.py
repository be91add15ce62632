"""An httpx transport with one small connection pool per host.

One shared pool scans every idle connection on each request; with hundreds of hosts that scan
dominates the CPU, and connections are evicted before their host comes round again. A pool per
host (as many connections as the per-host limit allows) keeps the scan tiny and lets a host's
next request reuse its connection. Every pool connects through the SSRF-guarded backend.

HTTP/2 is offered over TLS (ALPN): a server that speaks it carries a host's requests in flight
on one connection, one handshake instead of one per slot. Plain http stays HTTP/1.1.
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import Callable

import httpcore
import httpx
from httpcore._backends.auto import AutoBackend

from scraper.fetch.netguard import GuardedBackend

PROXY_EXTENSION = "scraper.proxy"  # a request's proxy URL, set by the fetcher per source
KEEPALIVE = 30.0  # seconds an idle connection is kept for its host's next request
MAX_POOLS = 512  # hosts whose pools are kept; the least recently used beyond are closed


class PerHostTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        per_host: int,
        allow_private: bool,
        policy: Callable[[str], bool] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._per_host = per_host
        self._backend = GuardedBackend(allow_private, policy)
        self._ssl = ssl_context or httpx.create_ssl_context(trust_env=False)
        self._pools: OrderedDict[
            tuple[bytes, bytes, int | None, str | None], httpx.AsyncHTTPTransport
        ] = OrderedDict()

    def _pool_for(self, url: httpx.URL, proxy: str | None = None) -> httpx.AsyncHTTPTransport:
        key = (url.raw_scheme, url.raw_host, url.port, proxy)
        transport = self._pools.get(key)
        if transport is None and proxy is not None:
            transport = self._proxy_pool(proxy)
            self._pools[key] = transport
        elif transport is None:
            # verify= our context, or httpx builds a fresh one (~15 ms of CPU) for every host.
            transport = httpx.AsyncHTTPTransport(verify=self._ssl, trust_env=False, retries=0)
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl,
                max_connections=self._per_host,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=KEEPALIVE,
                http1=True,
                http2=True,
                network_backend=self._backend,
            )
            self._pools[key] = transport
        self._pools.move_to_end(key)
        return transport

    def _proxy_pool(self, proxy: str) -> httpx.AsyncHTTPTransport:
        """A host's pool through `proxy`: plain http forwarded, https tunnelled (CONNECT)."""
        settings = httpx.Proxy(proxy)
        transport = httpx.AsyncHTTPTransport(verify=self._ssl, trust_env=False, retries=0)
        transport._pool = httpcore.AsyncHTTPProxy(
            proxy_url=httpcore.URL(
                scheme=settings.url.raw_scheme,
                host=settings.url.raw_host,
                port=settings.url.port,
                target=settings.url.raw_path,
            ),
            proxy_auth=settings.raw_auth,
            proxy_headers=settings.headers.raw,
            ssl_context=self._ssl,
            max_connections=self._per_host,
            max_keepalive_connections=self._per_host,
            keepalive_expiry=KEEPALIVE,
            # The proxy is the user's own choice; what it fetches is checked before each request.
            network_backend=AutoBackend(),
        )
        return transport

    async def _evict(self) -> None:
        while len(self._pools) > MAX_POOLS:
            _, transport = self._pools.popitem(last=False)
            await transport.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxy = request.extensions.get(PROXY_EXTENSION)
        if proxy:
            await self._backend.check_target(request.url.host, request.url.port or 0)
        transport = self._pool_for(request.url, proxy)
        await self._evict()
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._pools.values():
            await transport.aclose()
        self._pools.clear()

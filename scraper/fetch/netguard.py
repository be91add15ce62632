"""The SSRF guard: never connect to loopback, private, link-local or reserved addresses.

The check runs where the connection is made (an httpcore network backend), after DNS resolution,
so it covers every redirect hop and a name that resolves differently the second time.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
from httpcore._backends.auto import AutoBackend


class BlockedAddress(Exception):
    """Raised at connect time for an address the guard refuses."""


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves names itself and connects only to allowed addresses."""

    def __init__(
        self, allow_private: bool = False, policy: Callable[[str], bool] | None = None
    ) -> None:
        self._inner = AutoBackend()
        self.allow_private = allow_private
        # Which addresses may be connected to: public ones, or every one when private
        # addresses are allowed. Tests narrow it to tell two loopback hosts apart.
        self.policy = policy or (lambda address: allow_private or is_public_address(address))

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host.strip("[]")]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}") from None
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    async def check_target(self, host: str, port: int) -> None:
        """Refuse a host the guard would not connect to, for a request a proxy makes for us (the
        proxy itself is the user's choice; what it reaches on our behalf is checked here)."""
        addresses = await self._resolve(host, port)
        if not any(self.policy(a) for a in addresses):
            raise BlockedAddress(
                f"refused to fetch {host} ({', '.join(addresses)}) through a proxy: a private, "
                "loopback or reserved address (set [http] allow_private_addresses = true to "
                "allow it)"
            )

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port)
        allowed = [a for a in addresses if self.policy(a)]
        if not allowed:
            raise BlockedAddress(
                f"refused to connect to {host} ({', '.join(addresses)}): a private, loopback or "
                "reserved address (set [http] allow_private_addresses = true to allow it)"
            )
        last: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)

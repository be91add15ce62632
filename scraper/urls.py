"""URL normalisation and article identity.

One article is one article whatever link led to it: the key drops fragments, tracking parameters,
default ports and case differences in scheme and host, so two links to one page share an id.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only track the reader; they never select different content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "cmpid",
        "ncid",
        "ocid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "xtor",
        "ito",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")


def is_tracking_param(name: str) -> bool:
    lower = name.lower()
    return lower in TRACKING_PARAMS or lower.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """A canonical spelling of a URL for identity (not for fetching)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else (f"{host}:{port}")
    )
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(k)
        )
    )
    path = parts.path or "/"
    # http and https serve the same article on news sites; identity ignores the difference.
    return urlunsplit(("http" if scheme in {"http", "https"} else scheme, netloc, path, query, ""))


def article_id(url: str) -> str:
    """A stable, short id for the article at this URL: the same on every machine and every run."""
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:16]


def absolute_url(base: str | None, href: str | None) -> str | None:
    """`href` resolved against `base`, or None when it is not an http(s) URL."""
    if not href:
        return None
    try:
        url = urljoin(base or "", href.strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is no number or out of range
    except ValueError:
        return None  # "http://[", "http://host:port/": not a URL we could ever fetch
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    return url


def host_of(url: str) -> str:
    """The host (with a non-default port) that politeness limits are counted against."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host

"""HTML building blocks every page shares: escaping, safe links, relative paths, the layout.

Every string that reaches a page goes through `esc` (text) or `ext_link` (a URL from archived
content); the layout puts a strict Content-Security-Policy first in <head>, so even a mistake
elsewhere cannot make a hostile page's script run inside the site.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from scraper.outputs.site import paths

# No script-src at all: nothing on these pages may run. The favicon is a data: URI so that a
# browser asks no server for /favicon.ico. Forms may only go to the site's own search page.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; base-uri 'none'; "
    "form-action 'self'"
)
# The search page alone runs script: the site's own files (search.js and its index), never
# inline script nor anything from elsewhere. It shows no archived text but titles, as text.
SEARCH_CSP = CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self';")
REL_EXTERNAL = "noopener noreferrer nofollow"
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")

STYLE = """
:root{color-scheme:light dark;--fg:#1d1f23;--muted:#5f6670;--line:#dde1e6;--bg:#fff;
--accent:#1f5fbf;--soft:#f4f6f8;--ins:#d7f5dd;--del:#fbdcdc}
@media (prefers-color-scheme:dark){:root{--fg:#e4e6ea;--muted:#9aa3ad;--line:#343a42;
--bg:#16181c;--accent:#7fb0ff;--soft:#1e2228;--ins:#1f4a2a;--del:#5a2327}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header.top{border-bottom:1px solid var(--line);background:var(--soft)}
header.top nav,main,footer{max-width:50rem;margin:0 auto;padding:0 1.25rem}
header.top nav{display:flex;gap:1.25rem;align-items:baseline;padding-top:.7rem;
padding-bottom:.7rem;flex-wrap:wrap}
header.top .brand{font-weight:700;color:var(--fg)}
main{padding-top:1.2rem;padding-bottom:2rem}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:1.75rem;line-height:1.25;margin:.4rem 0 .8rem;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
h3,h4,h5,h6{font-size:1.05rem;margin:1.4rem 0 .4rem}
.crumbs,.muted,.meta dt,footer{color:var(--muted)}
.crumbs{font-size:.9rem}
ol.items{list-style:none;padding:0;margin:0}
ol.items li{padding:.55rem 0;border-bottom:1px solid var(--line)}
ol.items .when,.small{font-size:.85rem;color:var(--muted)}
ol.items .when{font-variant-numeric:tabular-nums;margin-right:.6rem}
.badge{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:.6rem;
background:var(--soft);border:1px solid var(--line);color:var(--muted);margin-left:.3rem}
.badge.ok{color:#1a7f37}.badge.bad{color:#c62828}.badge.orig{color:var(--accent)}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.92rem;
margin:0 0 1.2rem}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.body{max-width:42rem}.body p,.body li{overflow-wrap:anywhere}
blockquote{margin:1rem 0;padding:.1rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
pre{background:var(--soft);padding:.8rem;overflow:auto;font-size:.85rem}
.diff{white-space:pre-wrap;background:var(--soft);padding:.9rem 1rem;border-radius:.4rem;
font-size:.95rem;overflow-wrap:anywhere}
ins{background:var(--ins);text-decoration:none}del{background:var(--del)}
.gap{color:var(--muted)}.nowrap{white-space:nowrap}
.added{color:#1a7f37}.removed{color:#c62828}
.notice{background:var(--soft);border-left:3px solid #c62828;padding:.5rem .9rem}
.pager{display:flex;gap:1rem;margin:1.2rem 0;flex-wrap:wrap}
ul.days{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1.4rem}
details summary{cursor:pointer;color:var(--accent)}
header.top form{margin-left:auto}
input,select,button{font:inherit;font-size:.9rem;padding:.2rem .4rem;color:var(--fg);
background:var(--bg);border:1px solid var(--line);border-radius:.3rem}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 1rem}
form.filters #q{flex:1 1 100%;font-size:1.05rem;padding:.4rem .6rem}
form.filters label{font-size:.9rem;color:var(--muted)}
a.badge:hover{text-decoration:none;border-color:var(--accent)}.badge.copy{color:#8a5a00}
.relation{font-size:.92rem}.archived{white-space:nowrap}
footer{font-size:.8rem;padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line)}
"""
_STYLE = " ".join(line.strip() for line in STYLE.strip().splitlines())


def esc(value: object) -> str:
    """Text escaped for HTML content and double-quoted attributes alike."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL a browser may follow, else None."""
    if not url or _URL_FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def ext_link(url: str | None, text: str | None = None) -> str:
    """A link out of the archive, only for http(s); anything else is shown as plain text."""
    label = esc(text if text is not None else url)
    target = safe_url(url)
    if target is None:
        return label
    return f'<a href="{esc(target)}" rel="{REL_EXTERNAL}">{label}</a>'


def rel(src: str, dst: str) -> str:
    """The relative href from page `src` to file `dst` (both normalised, relative to the root).

    Not `posixpath.relpath`: it consults the working directory, and pages make millions of links.
    """
    here, there = src.split("/")[:-1], dst.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return quote("../" * (len(here) - common) + "/".join(there[common:]))


def link(src: str, dst: str, text: str, cls: str = "") -> str:
    """A link inside the site; `text` is escaped here."""
    attr = f' class="{cls}"' if cls else ""
    return f'<a href="{rel(src, dst)}"{attr}>{esc(text)}</a>'


def when(value: datetime | None, *, time: bool = True) -> str:
    """A UTC timestamp as readers want it: `2026-05-21 14:03 UTC`, or `2026-05-21`."""
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC" if time else "%Y-%m-%d")


def page(
    path: str, title: str, content: str, *, crumbs: str = "", scripts: Sequence[str] = ()
) -> str:
    """A whole page: CSP first, inline style, the site's navigation with a search box, then
    `content` (HTML). `scripts` (site files) are loaded last, under the search page's CSP."""
    nav = (
        f"{link(path, paths.HOME, 'scraper archive', 'brand')}"
        f"{link(path, paths.ALL + 'index.html', 'All articles')}"
        f"{link(path, paths.DAYS, 'Days')}"
        f"{link(path, paths.STORIES + 'index.html', 'Stories')}"
        f"{link(path, paths.SEARCH, 'Search')}"
    )
    if path != paths.SEARCH:
        nav += (
            f'<form action="{rel(path, paths.SEARCH)}" method="get" role="search">'
            '<input type="search" name="q" aria-label="Search the archive" '
            'placeholder="Search titles, texts, authors"></form>'
        )
    crumb = f'<p class="crumbs">{crumbs}</p>' if crumbs else ""
    tags = "".join(f'<script src="{rel(path, script)}"></script>' for script in scripts)
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{SEARCH_CSP if scripts else CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)} · scraper archive</title>\n"
        f"<style>{_STYLE}</style></head>\n"
        f'<body><header class="top"><nav>{nav}</nav></header>\n'
        f"<main>{crumb}{content}</main>\n"
        "<footer>Static pages written by scraper from its archive index. Archived pages are "
        "never shown as they were served: only the extracted text, escaped.</footer>\n"
        f"{tags}</body></html>\n"
    )


# Bump when the look of pages changes: every page's fingerprint changes, so all are rewritten.
SITE_VERSION = "2"


def fingerprint(*parts: object) -> str:
    """A short digest of what a page shows; the page is rewritten when it changes."""
    digest = hashlib.sha1(SITE_VERSION.encode(), usedforsecurity=False)
    for part in parts:
        digest.update(b"\x1e" + str(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:20]


@dataclass(frozen=True)
class Job:
    """A page the site should have: where, what it shows (as a digest) and how to render it."""

    path: str
    key: str
    render: Callable[[], str | None]  # None: the page has nothing to show any more

"""The article's headline, and the names the site goes by.

`<title>` and `og:title` often carry " | Site" or a section glued on; the `<h1>` readers see wins
when it agrees with a metadata title, and the site's names (og:site_name, the publisher, the
host, the tail of `<title>`) are stripped from what is left.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from scraper.extract.attribution import site_key
from scraper.extract.authors import name_key
from scraper.extract.evidence import PageEvidence, first, ld_text
from scraper.models import FeedEntry

__all__ = ["TITLE_SEPARATORS", "headline", "names_of_site"]

TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " : ", " :: ", " · ", " » ", " • ", ": ")
_DATE_OR_BY = re.compile(r"\b(?:19|20)\d\d\b|\bby\s|^\s*title\s*:", re.IGNORECASE)


def _variants(title: str) -> set[str]:
    """The title and every part of it left when a ' | Site' suffix or 'Opinion | ' prefix goes."""
    out = {name_key(title)}
    for sep in TITLE_SEPARATORS:
        parts = title.split(sep)
        for i in range(1, len(parts)):
            out.add(name_key(sep.join(parts[:i])))
            out.add(name_key(sep.join(parts[i:])))
    out.discard("")
    return out


def _strip_site(title: str, site_keys: set[str]) -> str:
    """Drop leading/trailing parts that are the site's name ('Headline | Site Name')."""
    for sep in TITLE_SEPARATORS:
        parts = title.split(sep)
        while len(parts) > 1 and name_key(parts[-1]) in site_keys:
            parts.pop()
        while len(parts) > 1 and name_key(parts[0]) in site_keys:
            parts.pop(0)
        title = sep.join(parts)
    return title.strip()


def headline(p: PageEvidence, site_keys: set[str], entry: FeedEntry | None) -> str | None:
    metas = [
        t
        for t in (
            ld_text(p.article, "headline") or ld_text(p.article, "name"),
            p.meta1("og:title"),
            p.meta1("twitter:title"),
            p.title,
            p.meta1("dc.title"),
            p.meta1("parsely-title"),
            p.meta1("sailthru.title"),
        )
        if t
    ]
    home = _home_links(p)
    h1s = [h for h in p.h1s if name_key(h) not in site_keys and name_key(h) not in home]
    for h1 in h1s:
        key = name_key(h1)
        if any(key in _variants(t) for t in metas):
            return h1
    stripped_metas = [
        t for t in (_strip_site(t, site_keys) for t in metas[:4]) if name_key(t) not in site_keys
    ]
    for h1 in h1s:  # an <h1> with a date or byline glued in: the metadata title without them
        key = name_key(h1)
        for t in stripped_metas:
            inner = name_key(t)
            if len(inner) >= 0.6 * len(key) and inner in key and _DATE_OR_BY.search(h1):
                return t
    for h1 in h1s:  # the headline readers see beats SEO titles, when it is about the same ...
        if len(h1.split()) >= 2 and (
            not stripped_metas or any(_overlap(h1, t) >= 0.25 for t in stripped_metas)
        ):
            return h1
    for t in stripped_metas:  # ... else a blog's or a section's name is the only <h1>
        return _strip_section(t)
    return first(*h1s, entry.title if entry else None)


def _home_links(p: PageEvidence) -> set[str]:
    """Keys of <h1>s that link to the site's home page: a blog's name, not the post's title."""
    out = set()
    for h in p.h1_elements:
        paths = [_path(p.url, href) for href in h.xpath(".//a/@href")]
        if paths and all(path == "" for path in paths):
            out.add(name_key(h.text_content()))
    return out


def _path(base: str | None, href: str) -> str | None:
    """A link's path and query, '' for the home page; None for a link that is no URL."""
    try:
        parts = urlsplit(urljoin(base or "", href))
    except ValueError:
        return None
    return parts.path.strip("/") + (f"?{parts.query}" if parts.query else "")


def _overlap(a: str, b: str) -> float:
    """Word-level F1 of two titles: how much they say the same."""
    wa, wb = Counter(re.findall(r"\w+", a.casefold())), Counter(re.findall(r"\w+", b.casefold()))
    common = sum((wa & wb).values())
    return 2 * common / (sum(wa.values()) + sum(wb.values())) if common else 0.0


# separators before a section glued on, with the most words such a section has after them
_SECTION_SEPS = ((" | ", 4), (" » ", 3), (" · ", 3), (" :: ", 3), (" - ", 2), (" – ", 2))


def _strip_section(title: str) -> str:
    """'Headline | Opinion', 'Headline - Politik', 'Opinion | Headline': a metadata title's short
    part after (or a pipe's before) the headline is a section or a tagline glued on."""
    for sep, most in _SECTION_SEPS:
        head, found, tail = title.rpartition(sep)
        if found and len(tail.split()) <= most and len(head.split()) >= 3:
            return _strip_section(head)
    lead, found, rest = title.partition(" | ")
    if found and len(lead.split()) <= 2 and len(rest.split()) >= 3:
        return _strip_section(rest)
    return title


def names_of_site(p: PageEvidence, url: str | None) -> tuple[str | None, list[str]]:
    """The site's name, and every name it goes by (to strip from titles and authors)."""
    publisher = ld_text(p.resolve(p.article.get("publisher")), "name")
    site_name = first(p.meta1("og:site_name"), publisher, p.meta1("application-name"))
    names = [
        n
        for n in (
            site_name,
            publisher,
            p.meta1("application-name"),
            p.meta1("apple-mobile-web-app-title"),
        )
        if n
    ]
    # a name that is the page's own title ('Headline | Clay' as og:site_name) is the site's only
    # in its last part: the headline is no site name
    titles = {name_key(t) for t in (p.title, p.meta1("og:title")) if t}
    names = [n.rsplit(" | ", 1)[-1] if name_key(n) in titles else n for n in names]
    names = [n for n in names if name_key(n) not in titles]
    for n in list(names):
        names.extend(n.split(" | "))
    key = site_key(url)
    if key:
        names.extend((key, key.split(".")[0]))
    if p.title:  # "Headline - Site": the last part, when a metadata title lacks it
        for sep in TITLE_SEPARATORS[:4]:
            if sep in p.title:
                tail = p.title.rsplit(sep, 1)[1]
                og = p.meta1("og:title") or ""
                if tail not in og and len(tail.split()) <= 5:
                    names.append(tail)
    return site_name, names

"""Adding sources to the config file without disturbing it: comments and layout are kept."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT

from scraper.config.settings import parse_config
from scraper.errors import ConfigError
from scraper.files import atomic_write
from scraper.urls import normalize_url


@dataclass(frozen=True)
class NewSource:
    url: str
    kind: str = "feed"  # feed, sitemap or page
    name: str | None = None
    tags: tuple[str, ...] = ()
    title: str | None = None  # a comment above the entry


# Words a feed's title carries about its format, not its site ("BBC News - RSS Feed").
_FEED_WORDS = {"rss", "atom", "feed", "feeds", "xml", "json", "rdf", "syndication"}
MAX_TITLE_NAME = 48


def name_from_title(title: str) -> str:
    """A source name from a feed's or outline's title: its words folded to ASCII, lowercased,
    joined by '-' ("Le Monde diplomatique" -> "le-monde-diplomatique"); '' when no word is
    left (a title in another script, or only "RSS"), and the URL names the source instead."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", folded.lower()))
    words = [w for w in words if w not in _FEED_WORDS]
    name = ""
    for word in words:  # whole words only, within the length a name may have
        if len(name) + len(word) + 1 > MAX_TITLE_NAME and name:
            break
        name = f"{name}-{word}" if name else word[:MAX_TITLE_NAME]
    return name


def _name_from_url(url: str) -> str:
    """A source name from a URL: its site, plus its section when it has one."""
    parts = urlsplit(url)
    host = (parts.hostname or "source").removeprefix("www.")
    labels = host.split(".")
    base = labels[-2] if len(labels) >= 2 and len(labels[-2]) > 3 else host.replace(".", "-")
    section = [
        p
        for p in parts.path.split("/")
        if p and not re.search(r"^(feed|rss|atom|index|feeds|posts|default)(\.\w+)?$|\.xml$", p)
    ]
    name = re.sub(r"[^a-z0-9_.-]+", "-", "-".join([base, *section[:1]]).lower()).strip("-")[:56]
    return name or "source"


def suggest_name(url: str, taken: set[str], title: str | None = None) -> str:
    """A readable, unique source name: from the feed's (or outline's) title when it has words,
    else from the URL; a number is added when the name is taken."""
    name = (name_from_title(title) if title else "") or _name_from_url(url)
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    return candidate


def add_sources(path: Path, new: list[NewSource]) -> list[tuple[NewSource, str | None]]:
    """Append sources to the config; returns each with its name, or None when already present."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomlkit.exceptions.TOMLKitError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    current = parse_config(document.unwrap(), path.resolve())
    present = {normalize_url(s.url) for s in current.sources}
    taken = {s.name for s in current.sources}
    sources = document.get("sources")
    if sources is None:
        sources = tomlkit.aot()
        document["sources"] = sources
    if not isinstance(sources, AoT):
        raise ConfigError(f"{path}: sources must be an array of tables ([[sources]])")
    results: list[tuple[NewSource, str | None]] = []
    for item in new:
        if normalize_url(item.url) in present:
            results.append((item, None))
            continue
        if item.name and item.name not in taken:
            name = item.name
        else:
            name = suggest_name(item.url, taken, item.title)
        table = tomlkit.table()
        if item.title:
            table.add(tomlkit.comment(re.sub(r"\s+", " ", item.title)[:100]))
        table.add("name", name)
        table.add(item.kind, item.url)
        if item.tags:
            table.add("tags", list(item.tags))
        sources.append(table)
        present.add(normalize_url(item.url))
        taken.add(name)
        results.append((item, name))
    text = tomlkit.dumps(document)
    parse_config(tomlkit.parse(text).unwrap(), path.resolve())  # never write a config we'd refuse
    atomic_write(path, text)
    return results

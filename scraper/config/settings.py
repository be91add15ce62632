"""The TOML config: read, validated strictly, turned into typed settings.

A wrong config is reported with the file, the key and what is wrong; unknown keys are errors so a
typo never silently changes behaviour. The schema is data (`_HTTP_KEYS`, `_SOURCE_KEYS`, ...):
adding a key is one line there and one field on the settings record.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper import __version__
from scraper.config.access import header_pairs, load_cookies, merged
from scraper.durations import parse_duration, parse_size
from scraper.errors import ConfigError
from scraper.models import RENDER_MODES, NotifyRule, Source

DEFAULT_CONFIG = Path("config/scraper.toml")
DEFAULT_USER_AGENT = f"scraper/{__version__} (+https://github.com/scraper-archive/scraper)"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class HttpSettings:
    """How we talk to servers: identity, politeness and limits."""

    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False
    timeout: float = 30.0  # total seconds for one request, body included
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_body_size: int = 10_000_000
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # minimum seconds between request starts to one host
    max_concurrency: int = 32
    max_redirects: int = 10
    retries: int = 2  # extra attempts after a transient failure
    backoff: float = 2.0  # first retry's delay in seconds, doubled each time, with jitter
    robots_ttl: float = 86400.0
    obey_robots: bool = True
    # Defaults for every source (each may set its own): see `Source`.
    render: str = "never"
    screenshot: bool = False
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # secrets: no repr
    cookies: Path | None = None
    proxy: str | None = field(default=None, repr=False)
    redact: bool = True  # WARC request records keep no Cookie/Authorization values


@dataclass(frozen=True)
class BrowserSettings:
    """The headless browser that renders JavaScript pages (`render = "auto"` or "always")."""

    executable: str | None = None  # None: the system's Chromium
    pages: int = 2  # pages rendered at once, in one browser process
    timeout: float = 30.0  # seconds one render may take, every load included


@dataclass(frozen=True)
class DaemonSettings:
    """How `scraper run` schedules polls."""

    concurrency: int = 64  # sources polled at once (a poll mostly waits: on hosts, on workers)
    grace_period: float = 10.0  # seconds in-flight work may take to finish after SIGTERM
    min_interval: float = 300.0  # adaptive polling never goes below this...
    max_interval: float = 86400.0  # ...nor above this
    jitter: float = 0.1  # each delay is spread by up to this fraction, so hosts aren't hit in step


DEFAULT_REVISITS = (3600.0, 21600.0, 86400.0, 259200.0, 604800.0, 2592000.0)


@dataclass(frozen=True)
class VersionSettings:
    """When archived articles are fetched again to catch edits."""

    revisits: tuple[float, ...] = DEFAULT_REVISITS  # seconds after first seen


@dataclass(frozen=True)
class ArchiveSettings:
    path: Path
    warc_max_size: int = 1_000_000_000


@dataclass(frozen=True)
class IndexSettings:
    """Where the index lives: the embedded SQLite file (default) or a PostgreSQL database."""

    url: str | None = None  # postgresql://user@host:port/db; None: <archive>/index.sqlite
    schema: str | None = None  # PostgreSQL schema holding the tables (default: the server's)


@dataclass(frozen=True)
class Config:
    """The whole validated config."""

    file: Path | None
    archive: ArchiveSettings
    index: IndexSettings = field(default_factory=IndexSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    daemon: DaemonSettings = field(default_factory=DaemonSettings)
    versions: VersionSettings = field(default_factory=VersionSettings)
    browser: BrowserSettings = field(default_factory=BrowserSettings)
    notify: tuple[NotifyRule, ...] = ()
    sources: tuple[Source, ...] = ()

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{self.file}: no source named {name!r}")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number >= 1, got {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    return value


def _url(value: Any) -> str:
    from scraper.urls import absolute_url

    text = _text(value)
    if not re.match(r"^https?://[^\s/]+", text) or absolute_url(None, text) != text:
        raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
    return text


def _name(value: Any) -> str:
    text = _text(value)
    if not _NAME.match(text):
        raise ValueError(f"names use letters, digits, '_', '.' and '-' (64 at most), got {value!r}")
    return text


def _language(value: Any) -> str:
    text = _text(value).lower()
    if not re.match(r"^[a-z]{2,3}(-[a-z0-9]+)?$", text):
        raise ValueError(f'expected a language code like "en" or "fr", got {value!r}')
    return text


def postgres_url(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^postgres(ql)?://", text):
        raise ValueError(f"expected a postgresql:// URL, got {value!r}")
    return text


def identifier(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^[a-z_][a-z0-9_]{0,62}$", text):
        raise ValueError(f"expected a lower-case SQL name (letters, digits, _), got {value!r}")
    return text


def _render(value: Any) -> str:
    if value not in RENDER_MODES:
        raise ValueError(f'expected "never", "auto" or "always", got {value!r}')
    return str(value)


def _proxy(value: Any) -> str:
    text = _text(value)
    if not re.match(r"^https?://[^\s/]+:\d+/?$", text):
        raise ValueError("expected a proxy URL like http://HOST:PORT")
    return text.rstrip("/")


Parser = Callable[[Any], Any]

_ARCHIVE_KEYS: dict[str, Parser] = {"path": _text, "warc_max_size": parse_size}
_INDEX_KEYS: dict[str, Parser] = {"url": postgres_url, "schema": identifier}
_HTTP_KEYS: dict[str, Parser] = {
    "user_agent": _text,
    "allow_private_addresses": _bool,
    "timeout": parse_duration,
    "connect_timeout": parse_duration,
    "read_timeout": parse_duration,
    "max_body_size": parse_size,
    "per_host_concurrency": positive_int,
    "per_host_delay": parse_duration,
    "max_concurrency": positive_int,
    "max_redirects": _count,
    "retries": _count,
    "backoff": parse_duration,
    "robots_ttl": parse_duration,
    "obey_robots": _bool,
    "render": _render,
    "screenshot": _bool,
    "headers": header_pairs,
    "cookies": _text,
    "proxy": _proxy,
    "redact": _bool,
}
_BROWSER_KEYS: dict[str, Parser] = {
    "executable": _text,
    "pages": positive_int,
    "timeout": parse_duration,
}


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"expected a number from 0 to 1, got {value!r}")
    return float(value)


def _durations(value: Any) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise ValueError(f'expected a list of durations like ["1h", "1d"], got {value!r}')
    seconds = tuple(sorted(parse_duration(v) for v in value))
    if any(s <= 0 for s in seconds):
        raise ValueError("revisit delays must be positive")
    return seconds


def _css(value: Any) -> str:
    from scraper.extract.selectors import compile_selector

    text = _text(value)
    try:
        compile_selector(text)
    except ConfigError as error:
        raise ValueError(str(error)) from None
    return text


def _text_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return tuple(_text(v) for v in value)


def _css_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected a list of CSS selectors, got {value!r}")
    return tuple(_css(v) for v in value)


def _apprise_urls(value: Any) -> tuple[str, ...]:
    import apprise

    urls = _text_list(value)
    if not urls:
        raise ValueError("give at least one Apprise URL")
    for url in urls:
        if not apprise.Apprise().add(url):
            raise ValueError(f"{url!r} is not an Apprise URL it can use")
    return urls


def _events(value: Any) -> tuple[str, ...]:
    from scraper.models import EVENTS

    events = _text_list(value)
    for name in events:
        if name not in EVENTS:
            raise ValueError(f"unknown event {name!r} (known: {', '.join(EVENTS)})")
    return events


_NOTIFY_KEYS: dict[str, Parser] = {
    "urls": _apprise_urls,
    "events": _events,
    "sources": _text_list,
    "keywords": _text_list,
}
_VERSIONS_KEYS: dict[str, Parser] = {"revisits": _durations}
_DAEMON_KEYS: dict[str, Parser] = {
    "concurrency": positive_int,
    "grace_period": parse_duration,
    "min_interval": parse_duration,
    "max_interval": parse_duration,
    "jitter": _fraction,
}
_SOURCE_KEYS: dict[str, Parser] = {
    "name": _name,
    "feed": _url,
    "interval": parse_duration,
    "language": _language,
    "delay": parse_duration,
    "revisits": _durations,
    "select": _css,
    "drop": _css_list,
    "sitemap": _url,
    "page": _url,
    "links": _css,
    "recency": parse_duration,
    "tags": _text_list,
    "render": _render,
    "screenshot": _bool,
    "headers": header_pairs,
    "cookies": _text,
    "proxy": _proxy,
}
_SOURCE_REQUIRED = ("name",)
_SOURCE_KINDS = ("feed", "sitemap", "page")
_TOP_KEYS = {"archive", "index", "http", "daemon", "versions", "sources", "notify", "browser"}
# Keys a source inherits from [http] when it does not set them.
_INHERITED = ("render", "screenshot", "cookies", "proxy")


def _table(raw: Any, keys: Mapping[str, Parser], where: str, file: Path | str) -> dict[str, Any]:
    """Validate one TOML table against its schema, naming the file and key on any error."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: [{where}] must be a table")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys:
            known = ", ".join(sorted(keys))
            raise ConfigError(f"{file}: {where}.{key}: unknown key (known keys: {known})")
        try:
            out[key] = keys[key](value)
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{file}: {where}.{key}: {error}") from None
    return out


def _cookie_file(value: str, base: Path, label: str, key: str) -> Path:
    """A cookies.txt path (relative to the config's folder), read once now so a bad file is a
    config error naming the key; its values are never shown."""
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    try:
        load_cookies(path)
    except ConfigError as error:
        raise ConfigError(f"{label}: {key}: {error}") from None
    return path.resolve()


def parse_config(data: Mapping[str, Any], file: Path | None = None) -> Config:
    """Build a `Config` from parsed TOML; relative paths are relative to the file's folder."""
    label = str(file) if file else "<config>"
    for key in data:
        if key not in _TOP_KEYS:
            known = ", ".join(sorted(_TOP_KEYS))
            raise ConfigError(f"{label}: {key}: unknown key (known: {known})")
    base = file.parent if file else Path.cwd()
    archive = _table(data.get("archive", {}), _ARCHIVE_KEYS, "archive", label)
    archive_path = Path(archive.pop("path", "archive")).expanduser()
    if not archive_path.is_absolute():
        archive_path = base / archive_path
    index_table = _table(data.get("index", {}), _INDEX_KEYS, "index", label)
    if "schema" in index_table and "url" not in index_table:
        raise ConfigError(f"{label}: index.schema: only with index.url (a PostgreSQL index)")
    http = _table(data.get("http", {}), _HTTP_KEYS, "http", label)
    if "cookies" in http:
        http["cookies"] = _cookie_file(http["cookies"], base, label, "http.cookies")
    browser = _table(data.get("browser", {}), _BROWSER_KEYS, "browser", label)
    daemon = _table(data.get("daemon", {}), _DAEMON_KEYS, "daemon", label)
    versions = _table(data.get("versions", {}), _VERSIONS_KEYS, "versions", label)
    sources = _sources(data.get("sources", []), http, base, label)
    rules = _notify_rules(data.get("notify", []), {s.name for s in sources}, label)
    return Config(
        file=file,
        notify=rules,
        archive=ArchiveSettings(path=archive_path.resolve(), **archive),
        index=IndexSettings(**index_table),
        http=HttpSettings(**http),
        daemon=DaemonSettings(**daemon),
        versions=VersionSettings(**versions),
        browser=BrowserSettings(**browser),
        sources=sources,
    )


def _sources(
    raw_sources: Any, http: Mapping[str, Any], base: Path, label: str
) -> tuple[Source, ...]:
    """The `[[sources]]`, each checked, with what it inherits from `[http]`; names are unique."""
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{label}: sources must be an array of tables ([[sources]])")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_sources):
        where = f"sources[{index}]"
        values = _source_values(raw, where, label)
        if values["name"] in seen:
            raise ConfigError(f"{label}: {where}.name: {values['name']!r} is used twice")
        seen.add(values["name"])
        if "cookies" in values:
            values["cookies"] = _cookie_file(values["cookies"], base, label, f"{where}.cookies")
        for key in _INHERITED:
            if key not in values and key in http:
                values[key] = http[key]
        values["headers"] = merged(http.get("headers", ()), values.get("headers", ()))
        sources.append(Source(**values))
    return tuple(sources)


def _source_values(raw: Any, where: str, label: str) -> dict[str, Any]:
    """One source's table checked on its own: its keys, its name, exactly one kind."""
    values = _table(raw, _SOURCE_KEYS, where, label)
    for key in _SOURCE_REQUIRED:
        if key not in values:
            raise ConfigError(f"{label}: {where}.{key}: missing (every source needs it)")
    kinds = [k for k in _SOURCE_KINDS if k in values]
    if len(kinds) != 1:
        problem = "missing" if not kinds else f"give only one of {', '.join(kinds)}"
        raise ConfigError(
            f"{label}: {where}.feed: {problem} (a source has exactly one of feed, sitemap or page)"
        )
    if "links" in values and "page" not in values:
        raise ConfigError(f"{label}: {where}.links: only section pages (page = ...) take it")
    return values


def _notify_rules(raw_notify: Any, names: set[str], label: str) -> tuple[NotifyRule, ...]:
    """The `[[notify]]` rules; the sources they name must be configured (`names`)."""
    if not isinstance(raw_notify, list):
        raise ConfigError(f"{label}: notify must be an array of tables ([[notify]])")
    rules = []
    for index, raw in enumerate(raw_notify):
        values = _table(raw, _NOTIFY_KEYS, f"notify[{index}]", label)
        for key in ("urls", "events"):
            if key not in values:
                raise ConfigError(f"{label}: notify[{index}].{key}: missing")
        unknown = set(values.get("sources", ())) - names
        if unknown:
            raise ConfigError(
                f"{label}: notify[{index}].sources: no source named {', '.join(sorted(unknown))}"
            )
        rules.append(NotifyRule(**values))
    return tuple(rules)


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config to use: the --config flag, else $SCRAPER_CONFIG, else config/scraper.toml."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("SCRAPER_CONFIG")
    return Path(env) if env else DEFAULT_CONFIG


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the config file; every problem is a one-line `ConfigError`."""
    file = config_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{file}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: cannot read the config: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML: {error}") from None
    return parse_config(data, file.resolve())

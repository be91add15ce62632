"""Headers, subscriber cookies and proxies: what gated sources need, kept out of logs and WARC."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.config.access import parse_cookies_txt
from scraper.config.settings import load_config
from scraper.errors import ConfigError
from tests.capturesite import article_html, forwarding_proxy, gated_site, paragraphs, rss

SECRET = "s3cr3t-session-token"
COOKIES = (
    "# Netscape HTTP Cookie File\n"
    "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t" + SECRET + "\n"
    "#HttpOnly_.example.org\tTRUE\t/news\tTRUE\t4102444800\tsub\tpaid\n"
    "old.example.org\tFALSE\t/\tFALSE\t1\tgone\texpired\n"
)


def config(folder: Path, source: str, http: str = "") -> Path:
    """A test config (loopback allowed, no politeness gap) with raw TOML for one source."""
    path = folder / "scraper.toml"
    path.write_text(
        '[archive]\npath = "archive"\n\n[http]\nallow_private_addresses = true\n'
        f'per_host_delay = "0s"\nbackoff = "0.05s"\n{http}\n\n[[sources]]\n{source}\n',
        encoding="utf-8",
    )
    return path


def warc_records(archive: Path, kind: str) -> list[tuple[str, dict[str, str]]]:
    """(target URI, HTTP headers) of every WARC record of one type."""
    out = []
    for file in sorted((archive / "warc").glob("*.warc.gz")):
        with file.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == kind and record.http_headers is not None:
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    out.append((uri, dict(record.http_headers.headers)))
    return out


def test_cookies_txt_lines_are_read_as_curl_and_extensions_write_them() -> None:
    cookies = {c.name: c for c in parse_cookies_txt(COOKIES)}
    assert set(cookies) == {"session", "sub", "gone"}
    sub = cookies["sub"]
    assert sub.matches("https://www.example.org/news/a", now=1e9)
    assert not sub.matches("http://www.example.org/news/a", now=1e9)  # secure only
    assert not sub.matches("https://www.example.org/sport/a", now=1e9)  # other path
    assert not cookies["gone"].matches("http://old.example.org/", now=1e9)  # expired
    with pytest.raises(ValueError, match="line 1: expected 7 tab-separated fields"):
        parse_cookies_txt("not a cookie line")


def test_config_names_the_key_of_a_bad_render_mode_or_cookies_file(tmp_path: Path) -> None:
    source = 'name = "a"\nfeed = "https://x.org/f"\n'
    with pytest.raises(ConfigError, match=r"sources\[0\]\.render: expected \"never\""):
        load_config(config(tmp_path, source + 'render = "sometimes"'))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.cookies: .*cannot read"):
        load_config(config(tmp_path, source + 'cookies = "missing.txt"'))
    with pytest.raises(ConfigError, match=r"http\.proxy: expected a proxy URL"):
        load_config(config(tmp_path, source, http='proxy = "socks://x"'))
    with pytest.raises(ConfigError, match=r"browser\.pages: expected a whole number"):
        load_config(config(tmp_path, source, http="[browser]\npages = 0"))


def test_sources_inherit_http_defaults_and_override_headers_by_name(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text(COOKIES)
    http = (
        'render = "auto"\nproxy = "http://127.0.0.1:3128"\ncookies = "c.txt"\n'
        'headers = { X-Team = "news", X-Key = "default" }'
    )
    source = 'name = "a"\nfeed = "https://x.org/f"\nheaders = { x-key = "mine" }'
    loaded = load_config(config(tmp_path, source, http=http)).sources[0]
    assert loaded.render == "auto" and loaded.proxy == "http://127.0.0.1:3128"
    assert loaded.cookies == (tmp_path / "c.txt").resolve()
    assert loaded.headers == (("X-Team", "news"), ("x-key", "mine"))
    assert "mine" not in repr(loaded) and "3128" not in repr(loaded)  # no secret in a log line


def test_header_gated_feed_and_pages_are_fetched_with_the_sources_headers(tmp_path, cli) -> None:
    with gated_site() as site:
        gate = ("X-Api-Key", "k-123")
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        page = site.add("/a1", article_html("Gated one", paragraphs(1)), gate=gate)
        site.add(
            "/feed.xml", rss([("Gated one", page)]), content_type="application/rss+xml", gate=gate
        )
        path = config(
            tmp_path,
            f'name = "gated"\nfeed = "{site.url("/feed.xml")}"\n'
            'headers = { X-Api-Key = "k-123" }',
        )
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        assert "gated: 1 new" in result.out
        for target in ("/robots.txt", "/feed.xml", "/a1"):
            assert site.requests_to(target)[0]["x-api-key"] == "k-123"


def test_cookie_gated_article_is_archived_and_its_cookie_redacted_in_warc(
    tmp_path, cli, caplog
) -> None:
    (tmp_path / "cookies.txt").write_text(COOKIES)
    caplog.set_level(logging.DEBUG)
    with gated_site() as site:
        page = site.add(
            "/paid/1",
            article_html("Paid story", paragraphs(2)),
            gate=("Cookie", f"session={SECRET}"),
        )
        site.add("/feed.xml", rss([("Paid story", page)]), content_type="application/rss+xml")
        path = config(
            tmp_path,
            f'name = "paid"\nfeed = "{site.url("/feed.xml")}"\n'
            'cookies = "cookies.txt"\nheaders = { Authorization = "Bearer x9" }',
        )
        result = cli("fetch", "--config", str(path), "-vv")
        assert result.code == 0, result.err
        assert "paid: 1 new" in result.out
        exported = cli("export", "--config", str(path)).jsonl()
        assert "Article 2 paragraph 0" in exported[0]["text"]
    requests = dict(warc_records(tmp_path / "archive", "request"))
    assert requests[page]["Cookie"] == "[redacted]"
    assert requests[page]["Authorization"] == "[redacted]"
    everything = result.out + result.err + caplog.text
    assert SECRET not in everything and "Bearer x9" not in everything
    for file in (tmp_path / "archive" / "warc").glob("*.warc.gz"):
        import gzip

        assert SECRET.encode() not in gzip.decompress(file.read_bytes())


def test_warc_keeps_secret_headers_when_the_user_turns_redaction_off(tmp_path, cli) -> None:
    with gated_site() as site:
        page = site.add("/a", article_html("Open", paragraphs(3)))
        site.add("/feed.xml", rss([("Open", page)]), content_type="application/rss+xml")
        path = config(
            tmp_path,
            f'name = "open"\nfeed = "{site.url("/feed.xml")}"\n'
            'headers = { Authorization = "Bearer keep-me" }',
            http="redact = false",
        )
        assert cli("fetch", "--config", str(path)).code == 0
    requests = dict(warc_records(tmp_path / "archive", "request"))
    assert requests[page]["Authorization"] == "Bearer keep-me"


def test_a_sources_proxy_carries_its_robots_feed_and_page_requests(tmp_path, cli) -> None:
    with gated_site() as site, forwarding_proxy() as proxy:
        page = site.add("/p1", article_html("Via proxy", paragraphs(4)))
        site.add("/feed.xml", rss([("Via proxy", page)]), content_type="application/rss+xml")
        path = config(
            tmp_path, f'name = "proxied"\nfeed = "{site.url("/feed.xml")}"\nproxy = "{proxy.url}"'
        )
        result = cli("fetch", "--config", str(path))
        assert result.code == 0, result.err
        assert "proxied: 1 new" in result.out
        assert {site.url("/robots.txt"), site.url("/feed.xml"), page} <= set(proxy.seen)
    responses = dict(warc_records(tmp_path / "archive", "response"))
    assert responses[page]["Via"] == "1.1 test-proxy"


def test_a_proxy_never_reaches_a_private_address_unless_allowed(tmp_path, cli) -> None:
    with gated_site() as site, forwarding_proxy() as proxy:
        site.add("/feed.xml", rss([]), content_type="application/rss+xml")
        path = config(
            tmp_path, f'name = "p"\nfeed = "{site.url("/feed.xml")}"\nproxy = "{proxy.url}"'
        )
        text = path.read_text().replace("allow_private_addresses = true", "")
        path.write_text(text)
        result = cli("fetch", "--config", str(path))
        assert result.code == 1
        assert "through a proxy: a private, loopback or reserved address" in result.err
        assert proxy.seen == []
    assert json.dumps(result.err).count("\\n") == 1  # one line

"""`scraper extract FILE_OR_URL`: one page through the extractor, fetched politely if a URL."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from scraper.config.settings import HttpSettings, load_config
from scraper.encoding import decode
from scraper.errors import ScraperError
from scraper.extract import extract_article
from scraper.fetch.fetcher import Fetcher
from scraper.models import Article
from scraper.store.sqlite import SQLiteStore


async def _download(url: str, settings: HttpSettings) -> tuple[str, str]:
    with tempfile.TemporaryDirectory(prefix="scraper-extract-") as scratch:
        store = SQLiteStore(Path(scratch))
        try:
            async with Fetcher(settings, store) as fetcher:
                exchange = await fetcher.fetch(url, kind="page")
        finally:
            store.close()
    return decode(exchange.content, exchange.headers.get("content-type")), exchange.url


def extract_target(target: str, config_path: str | None = None) -> Article:
    """Extract an article from a local file, or from a URL fetched through the fetch layer."""
    if target.startswith(("http://", "https://")):
        try:
            settings = load_config(config_path).http
        except ScraperError:
            settings = HttpSettings()
        html, url = asyncio.run(_download(target, settings))
        return extract_article(html, url)
    path = Path(target)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScraperError(f"{target}: cannot read: {error.strerror or error}") from None
    if path.suffix == ".gz":
        import gzip

        data = gzip.decompress(data)
    return extract_article(decode(data), None)

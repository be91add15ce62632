"""`scraper extract FILE_OR_URL`: one page through the extractor, fetched politely if a URL.

The extractor, the fetch layer and the decoder are imported when the command runs, not when the
parser is built (they bring lxml, numpy, httpx and charset_normalizer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import asdict
from pathlib import Path

from scraper.commands.context import EXIT_FAILED, EXIT_OK
from scraper.config.settings import HttpSettings, load_config
from scraper.errors import ScraperError
from scraper.models import Article

NAME = "extract"
HELP = DESCRIPTION = "extract one page (a file or a URL) and print the article"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="FILE_OR_URL")
    parser.add_argument("--json", action="store_true", help="print the Article as JSON")


def run(args: argparse.Namespace) -> int:
    article = extract_target(args.target, config_path=args.config)
    if args.json:
        data = asdict(article)
        for note in ("facts", "fingerprint"):  # the workers' notes to the event loop
            data.pop(note, None)
        for key in ("published", "updated"):
            data[key] = data[key].isoformat() if data[key] else None
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"title: {article.title}\nauthors: {', '.join(article.authors)}")
        print(f"published: {article.published}\nlanguage: {article.language}")
        if article.original_url:
            print(f"original: {article.original_url}")
        print()
        print(article.markdown or f"(no body: {article.error})")
    return EXIT_OK if article.text else EXIT_FAILED


async def _download(url: str, settings: HttpSettings) -> tuple[str, str]:
    import tempfile

    from scraper.encoding import decode
    from scraper.fetch.fetcher import Fetcher
    from scraper.store.sqlite import SQLiteStore

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
    from scraper.encoding import decode
    from scraper.extract import extract_article

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

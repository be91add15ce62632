"""Every feed of feedparser's own test suite, served over HTTP and ingested by the real pipeline."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from scraper.clock import utcnow
from scraper.config.settings import Config, parse_config
from scraper.fetch.fetcher import Fetcher
from scraper.pipeline.core import Pipeline, SourceReport
from scraper.runners.extract_pool import Extractor
from scraper.store.archive import Archive
from tests.corpus import shared_dir
from tests.testsite import TestSite

HEADER = re.compile(rb"^\s*Header:\s*([\w-]+):\s*(.+?)\s*$", re.MULTILINE)


def corpus_files() -> list[Path]:
    root = shared_dir() / "corpora" / "feeds" / "feedparser-tests"
    if not root.is_dir():
        pytest.skip(f"../shared/corpora not present: {root}")
    return sorted(p for p in root.rglob("*") if p.suffix in {".xml", ".json"})


def serve(site: TestSite, files: list[Path]) -> list[str]:
    paths = []
    for index, path in enumerate(files):
        data = path.read_bytes()
        headers = {k.decode(): v.decode("latin-1") for k, v in HEADER.findall(data[:4000])}
        content_type = headers.pop("Content-type", headers.pop("Content-Type", "text/xml"))
        url_path = f"/f/{index}/{path.name}"
        site.add(url_path, data, content_type=content_type, headers=headers)
        paths.append(url_path)
    return paths


def run_all(config: Config) -> list[SourceReport]:
    async def scenario() -> list[SourceReport]:
        extractor = Extractor(processes=False)
        archive = Archive(config)
        try:
            async with Fetcher(config.http, archive.store, archive.warc) as fetcher:
                pipeline = Pipeline(fetcher, archive.store, archive.tree, extractor, utcnow)
                gate = asyncio.Semaphore(64)

                async def one(source):  # type: ignore[no-untyped-def]
                    async with gate:
                        return await pipeline.poll(source)

                return list(await asyncio.gather(*(one(s) for s in config.sources)))
        finally:
            extractor.close()
            archive.close()

    return asyncio.run(scenario())


def test_every_feedparser_test_feed_is_ingested_without_a_crash(site: TestSite, tmp_path) -> None:
    files = corpus_files()
    assert len(files) > 2000
    site.robots(None)
    paths = serve(site, files)
    config = parse_config(
        {
            "archive": {"path": str(tmp_path / "archive")},
            "http": {
                "allow_private_addresses": True,
                "per_host_delay": "0s",
                "retries": 0,
                "per_host_concurrency": 8,
                "timeout": "5s",
                "connect_timeout": "2s",
            },
            "sources": [{"name": f"f{i}", "feed": site.url(p)} for i, p in enumerate(paths)],
        }
    )
    reports = run_all(config)
    assert len(reports) == len(files)
    by_file = dict(zip(files, reports, strict=True))
    failed = {f: r for f, r in by_file.items() if r.error}
    for report in reports:
        for message in [report.error or ""] + [p.reason for p in report.failures]:
            assert "\n" not in message and "Traceback" not in message
            assert not message.startswith("unexpected")
    # Broken XML is either recovered (entries read) or a clear per-source error.
    illformed = [f for f in files if "illformed" in f.parts]
    assert all(by_file[f].error or by_file[f].entries >= 0 for f in illformed)
    assert all("feed" in (r.error or "") for r in failed.values() if "malformed" in (r.error or ""))
    # Nearly all well-formed feeds parse: the failures are feeds with no entry or no version.
    wellformed = [f for f in files if "wellformed" in f.parts]
    parsed = sum(1 for f in wellformed if not by_file[f].error)
    assert parsed / len(wellformed) > 0.99, sorted(str(f) for f in failed)[:20]
    # UTF-16 and UTF-32 feeds served as text/xml without a charset are read from their bytes.
    encodings = [f for f in files if "encoding" in f.parts]
    assert not [f.name for f in encodings if by_file[f].error]

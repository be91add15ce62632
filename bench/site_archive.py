"""Build timings on a synthetic archive: `python -m bench.site_archive [N]`.

The archive is made through the `Store` protocol only (no article tree is written), so the figures
measure the site builder alone: a full build of N articles, then an incremental rebuild after 10
new articles arrive.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.models import Article, Source
from scraper.outputs.site.build import build_site
from scraper.store.base import SourceState, Store
from scraper.store.sqlite import SQLiteStore
from scraper.store.versions import Snapshot, version_diff

_TEXT = (
    "the minister said on tuesday that talks would resume after a pause in the city council "
    "budget vote while critics warned of higher costs and delays for residents reporters asked "
    "whether the plan had support among members of the opposition"
)
_WORDS = _TEXT.split()
START = datetime(2026, 1, 1, tzinfo=UTC)


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(30, 70))).capitalize() + "."
        for _ in range(count)
    )


def add_synthetic(store: Store, start: int, count: int, *, sources: int = 8, seed: int = 1) -> None:
    """Articles `start`..`start+count-1`: ~3 KB bodies, one in 50 with a second version."""
    rng = random.Random(seed + start)
    for number in range(start, start + count):
        source = f"source-{number % sources}"
        url = f"https://news{number % sources}.example/{number}/story-{number}"
        text = _paragraphs(rng, 6)
        published = START + timedelta(minutes=37 * number)
        article = Article(
            url=url,
            text=text,
            markdown=text.replace("\n\n", "\n\n## Part\n\n", 1),
            title=f"Story number {number}: {rng.choice(_WORDS)} news",
            authors=("A. Writer",),
            published=published,
            language="en",
        )
        stored = store.save_article(
            source=source,
            url=url,
            article=article,
            entry=None,
            fetched_at=published + timedelta(minutes=5),
            path=f"synthetic/{number}",
        )
        if number % 50 == 7:
            note = "\n\nCorrection: a fix."
            edited = replace(article, text=text + note, markdown=article.markdown + note)
            diff = version_diff(Snapshot.of(article), Snapshot.of(edited), "v1", "v2")
            store.add_version(
                stored.id, edited, fetched_at=published + timedelta(hours=3), minor=False, diff=diff
            )


@dataclass(frozen=True)
class BenchResult:
    articles: int
    full_seconds: float
    full_pages: int
    incremental_seconds: float
    incremental_pages: int
    full_cpu: float = 0.0  # CPU seconds: unlike wall time, not the machine's other work
    incremental_cpu: float = 0.0


def run_bench(articles: int = 10_000, folder: Path | None = None) -> BenchResult:
    """Full build of `articles` synthetic articles, then a rebuild after 10 new ones."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        root = Path(tmp)
        store = SQLiteStore(root)
        try:
            add_synthetic(store, 0, articles)
            names = sorted({a.source for a in store.iter_articles(limit=50)})
            for name in names:
                store.save_source_state(SourceState(name, last_success=START, last_poll=START))
            sources = [Source(name, f"https://{name}.example/feed") for name in names]
            cpu = time.process_time()
            full = build_site(store, root, sources, full=True)
            full_cpu = time.process_time() - cpu
            add_synthetic(store, articles, 10)
            start, cpu = time.perf_counter(), time.process_time()
            incremental = build_site(store, root, sources)
            elapsed, incremental_cpu = time.perf_counter() - start, time.process_time() - cpu
        finally:
            store.close()
    return BenchResult(
        articles,
        full.seconds,
        full.pages_written,
        elapsed,
        incremental.pages_written,
        full_cpu,
        incremental_cpu,
    )


if __name__ == "__main__":
    result = run_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
    print(
        f"{result.articles} articles: full build {result.full_seconds:.2f} s "
        f"({result.full_pages} pages); incremental after 10 new "
        f"{result.incremental_seconds:.2f} s ({result.incremental_pages} pages)"
    )

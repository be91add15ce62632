"""The browse site at archive scale: build it for a synthetic archive, weigh its search index
against the whole site, and time searches in headless Chromium.

    .venv/bin/python bench/site_search.py [--articles 10000] [--keep DIR] [--no-browser]

The archive is made through the `Store` protocol (no article tree: the figures are the site's).
Bodies are corpus words drawn at their corpus frequencies, 300-900 words each (as
bench/dedupe.py draws them), so the index holds a real vocabulary, not a few dozen words; titles
are 6-12 corpus words, authors one or two of 400 names, 12 sources, 4 languages; a fifth of the
articles are dated without a time and one in 25 is a copy of an earlier one, crediting it, placed
by the dedupe engine (so lists, stories and comparison pages are built too).

Reported: the full build (wall and CPU seconds), a rebuild after 10 new articles, the site's
size and the search index's (docs.js and the terms files) with its share; then in Chromium, from
`file://`: loading the search page (its index included), and each query's time as the page
measures it (matching, filtering, sorting and listing the first 100 rows; "+layout": until the
browser has laid the rows out), median and worst of 5 runs.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.synth import load_bodies  # noqa: E402
from scraper.dedupe import DedupeDoc  # noqa: E402
from scraper.models import Article, Source  # noqa: E402
from scraper.outputs.site import build_site, paths  # noqa: E402
from scraper.store.base import SourceState  # noqa: E402
from scraper.store.sqlite import SQLiteStore  # noqa: E402

START = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = 12
LANGUAGES = ("en", "fr", "de", "es")
COPY_EVERY = 25


class Words:
    """Corpus words at their corpus frequencies."""

    def __init__(self, seed: int) -> None:
        bodies = load_bodies(CORPUS)
        counts = Counter(w for _, text in bodies for w in text.split())
        self.ranked = [w for w, _ in counts.most_common()]
        p = np.cumsum([counts[w] for w in self.ranked], dtype=np.float64)
        self.cdf = p / p[-1]
        self.np_rng = np.random.default_rng(seed)

    def draw(self, count: int) -> list[str]:
        picks = np.searchsorted(self.cdf, self.np_rng.random(count)).tolist()
        return [self.ranked[i] for i in picks]


def make_archive(store: SQLiteStore, count: int, words: Words, seed: int = 7) -> None:
    """`count` articles; every COPY_EVERY-th copies an earlier one and credits it (the
    engine places the copies and the articles they may copy: placing all would time dedupe)."""
    rng = random.Random(seed)
    authors = [" ".join(words.draw(2)).title() for _ in range(400)]
    engine = store.dedupe_engine()
    originals: list[tuple[str, Article]] = []
    for number in range(count):
        source = f"source-{number % SOURCES}"
        url = f"https://news{number % SOURCES}.example/{number}/story"
        published = START + timedelta(minutes=37 * number + rng.randint(-600, 600))
        if number % 5 == 0:
            published = published.replace(hour=0, minute=0, second=0)  # a day, no time
        copied = number % COPY_EVERY == COPY_EVERY - 1 and originals
        if copied:
            original_url, base = rng.choice(originals)
            text = base.text + "\n\nThis article first appeared at " + original_url
            title, credit = base.title, original_url
        else:
            n = rng.randint(300, 900)
            drawn = words.draw(n)
            text = "\n\n".join(" ".join(drawn[k : k + 60]) for k in range(0, n, 60))
            title, credit = " ".join(words.draw(rng.randint(6, 12))).capitalize(), None
        article = Article(
            url=url,
            text=text,
            markdown=text,
            title=title,
            authors=tuple(rng.sample(authors, rng.randint(1, 2))),
            published=published,
            language=LANGUAGES[number % len(LANGUAGES)],
            original_url=credit,
        )
        stored = store.save_article(
            source=source,
            url=url,
            article=article,
            entry=None,
            fetched_at=published + timedelta(hours=2),
            path=f"synthetic/{number}",
        )
        if copied or number % COPY_EVERY == 0:  # copies, and the articles they may copy
            doc = DedupeDoc(
                id=stored.id,
                url=url,
                text=text,
                title=title,
                published=stored.published,
                credited_url=credit,
                first_seen=stored.first_seen,
            )
            store.place_article(engine, doc)
            if not copied:
                originals.append((url, article))


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(root: Path, store: SQLiteStore, count: int, words: Words) -> dict[str, float]:
    names = [f"source-{n}" for n in range(SOURCES)]
    for name in names:
        store.save_source_state(SourceState(name, last_success=START, last_poll=START))
    sources = [Source(name, f"https://{name}.example/feed") for name in names]
    wall, cpu = time.perf_counter(), time.process_time()
    full = build_site(store, root, sources, full=True)
    figures = {
        "full_s": time.perf_counter() - wall,
        "full_cpu_s": time.process_time() - cpu,
        "pages": full.pages,
    }
    make_more = SQLiteStore(root)
    try:
        make_archive_tail(make_more, count, words)
    finally:
        make_more.close()
    wall, cpu = time.perf_counter(), time.process_time()
    again = build_site(store, root, sources)
    figures.update(
        incremental_s=time.perf_counter() - wall,
        incremental_cpu_s=time.process_time() - cpu,
        incremental_pages=again.pages_written,
    )
    site = size(root / "site") + (root / paths.HOME).stat().st_size
    index = sum(p.stat().st_size for p in (root / paths.SEARCH_FILES).glob("*.js"))
    script = (root / paths.SEARCH_FILES / "search.js").stat().st_size
    figures.update(
        site_mb=site / 1e6, index_mb=(index - script) / 1e6, share=(index - script) / site
    )
    return figures


def make_archive_tail(store: SQLiteStore, count: int, words: Words) -> None:
    """Ten new articles after the first `count`, as a fetch would add them."""
    for number in range(count, count + 10):
        text = " ".join(words.draw(500))
        url = f"https://news0.example/{number}/story"
        store.save_article(
            source="source-0",
            url=url,
            article=Article(url=url, text=text, markdown=text, title=f"Late news {number}"),
            entry=None,
            fetched_at=START + timedelta(days=400),
            path=f"synthetic/{number}",
        )


def queries(words: Words) -> list[tuple[str, dict[str, str]]]:
    """Common, middling and rare words, two words, a prefix, filters, an empty query."""
    folded = [w.lower() for w in words.ranked if w.isalpha() and len(w) > 3]
    common, middling, rare = folded[5], folded[300], folded[len(folded) // 2]
    return [
        (common, {}),
        (middling, {}),
        (rare, {}),
        (f"{common} {middling}", {}),
        (middling[:3] + "*", {}),
        (common, {"source": "source-3", "sort": "oldest"}),
        (middling, {"language": "fr", "from": "2026-03-01", "to": "2026-06-30"}),
        ("", {"sort": "archived"}),
        ("", {"source": "source-5", "from": "2026-02-01"}),
    ]


QUERY = """
const [query, filters] = arguments;
for (const [name, value] of Object.entries(Object.assign(
    {source: "", language: "", from: "", to: "", sort: "best"}, filters))) {
  document.getElementById(name).value = value;
}
const box = document.getElementById("q");
box.value = query;
const started = performance.now();
box.dispatchEvent(new Event("input"));
document.body.offsetHeight;
const laid = performance.now() - started;
const status = document.getElementById("status");
return [Number(status.dataset.ms), laid, Number(status.dataset.count)];
"""


def browse(root: Path, words: Words) -> list[str]:
    from tests.browser import chromium

    lines = []
    with chromium() as driver:
        loads = []
        for _ in range(3):
            started = time.perf_counter()
            driver.get((root / paths.SEARCH).as_uri())
            loads.append(time.perf_counter() - started)
        lines.append(f"search page load (index included): {statistics.median(loads):.2f} s")
        for query, filters in queries(words):
            runs: list[Any] = [driver.execute_script(QUERY, query, filters) for _ in range(5)]
            ms = [r[0] for r in runs]
            laid = [r[1] for r in runs]
            label = " ".join([repr(query), *(f"{k}={v}" for k, v in filters.items())])
            lines.append(
                f"  {label:<52} {int(runs[0][2]):>6} hits  {statistics.median(ms):6.1f} ms "
                f"(worst {max(ms):.1f}; +layout {statistics.median(laid):.1f})"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build in DIR and keep it")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    words = Words(seed=3)
    folder = Path(tempfile.mkdtemp(prefix="site-bench-")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        store = SQLiteStore(folder)
        try:
            started = time.perf_counter()
            make_archive(store, args.articles, words)
            print(
                f"archive of {args.articles:,} articles made in {time.perf_counter() - started:.1f} s"
            )
            f = build(folder, store, args.articles, words)
        finally:
            store.close()
        print(
            f"full build: {f['full_s']:.2f} s ({f['full_cpu_s']:.2f} s CPU), {f['pages']:,.0f} files; "
            f"after 10 new articles: {f['incremental_s']:.2f} s ({f['incremental_cpu_s']:.2f} s CPU), "
            f"{f['incremental_pages']:.0f} files"
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min)")
        print(
            f"site {f['site_mb']:.1f} MB, search index {f['index_mb']:.2f} MB "
            f"({100 * f['share']:.1f}% of the site)"
        )
        if not args.no_browser:
            print("\n".join(browse(folder, words)))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

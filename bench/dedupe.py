"""Republication dedupe benchmark: a network of copies of real articles, and a scale test.

    .venv/bin/python bench/dedupe.py [--seeds 7,11] [--orders 3] [--stress] [--scale 50000]
                                     [--sqlite 20000] [--verbose]
    .venv/bin/python bench/dedupe.py --scale 1000000        # the 1M-article index test

Quality: every body of the article-extraction benchmark (../shared) is an original; around it,
`bench.synth.build_network` draws with a seeded RNG exact copies (some with a cross-domain canonical), full copies
under another site's header and footer with a credit line (some crediting the URL), excerpts of
15-50% ending in "Read more", edited copies (sentences changed, added, removed; retitled) and
translations that credit the original (simulated: other words, same structure). Hard negatives
are built in: articles sharing one long quoted paragraph of another, pairs sharing a press
release paragraph, wire lines ("Reuters contributed to this report") on many articles, and
republisher templates shared by unrelated copies (`--stress`: larger templates, twice the edits,
excerpts cut mid-word). Articles arrive in shuffled orders; reported: pairwise precision and
recall, B-cubed F1, originals chosen right, ties (stories whose original is a stated tie), how
each copy is linked to its original ("-": not directly, only through other members).

Scale: synthetic texts (corpus words at corpus frequencies, a tenth of them copies or excerpts
of earlier ones) through fingerprint + query + add on one core; then the median query time and
the index's memory at that size.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark" / "ground-truth.json"
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.dedupe_metrics import score  # noqa: E402
from bench.synth import Network, build_network, excerpt, load_bodies, make_sites  # noqa: E402
from scraper.dedupe import (  # noqa: E402
    Deduper,
    FingerprintIndex,
    MemoryIndex,
    SQLiteIndex,
    StoryBook,
    fingerprint,
)


# -- quality ------------------------------------------------------------------------------------
def run_network(net: Network, order_seed: int) -> tuple[StoryBook, float]:
    docs = list(net.docs)
    random.Random(order_seed).shuffle(docs)
    book = StoryBook()
    deduper = Deduper(MemoryIndex(), book)
    started = time.perf_counter()
    for doc in docs:
        book.record(doc)
        book.apply(deduper.place(doc))
    return book, time.perf_counter() - started


def quality(net: Network, book: StoryBook, verbose: bool) -> dict[str, float]:
    found = {d.id: book.story_of(d.id) or d.id for d in net.docs}
    s = score(found, net.truth)
    stories = Counter(net.truth.values())
    multi = [story for story, n in stories.items() if n > 1]
    right = sum(1 for st in multi if (ch := book.original(found[st])) and ch.id == st)
    ties = sum(1 for st in set(found.values()) if (ch := book.original(st)) and ch.tie)
    if verbose:
        for st in multi:
            ch = book.original(found[st])
            if ch is None or ch.id != st:
                print(f"  original wrong: {st} -> {ch}, kinds {net.kind.get(ch.id if ch else '')}")
        kinds = Counter((net.kind[a], net.kind[b]) for a, b in wrong_pairs(found, net.truth))
        print("  false pairs by kinds:", dict(kinds.most_common(8)))
    return {
        "pairwise precision": s.precision,
        "pairwise recall": s.recall,
        "B-cubed F1": s.bcubed_f1,
        "original right": right / len(multi),
        "ties": ties,
    }


def wrong_pairs(found: dict[str, str], truth: dict[str, str]) -> list[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for doc, story in found.items():
        groups.setdefault(story, []).append(doc)
    return [(a, b) for g in groups.values() for a in g for b in g if a < b and truth[a] != truth[b]]


def link_kinds(net: Network, book: StoryBook) -> Counter[tuple[str, str]]:
    """(made as, linked to its original as) for every copy; "-" when not linked directly."""
    direct: dict[tuple[str, str], str] = {}
    for story in book.stories():
        for link in book.links(story):
            direct.setdefault((link.source, link.target), link.kind)
            direct.setdefault((link.target, link.source), link.kind)
    table: Counter[tuple[str, str]] = Counter()
    for doc in net.docs:
        if net.kind[doc.id] != "original":
            table[(net.kind[doc.id], direct.get((doc.id, net.truth[doc.id]), "-"))] += 1
    return table


# -- scale --------------------------------------------------------------------------------------
class Texts:
    """Synthetic article bodies: corpus words at corpus frequencies, some copies of earlier ones."""

    def __init__(self, bodies: list[tuple[str, str]], seed: int) -> None:
        counts = Counter(w for _, text in bodies for w in text.split() if w.isascii())
        self.vocab = list(counts)
        p = np.cumsum([counts[w] for w in self.vocab], dtype=np.float64)
        self.cdf = p / p[-1]
        self.np_rng = np.random.default_rng(seed)
        self.rng = random.Random(seed)
        self.recent: list[str] = []
        self.sites = make_sites(self.rng)

    def fresh(self) -> str:
        n = self.rng.randint(300, 900)
        idx = np.searchsorted(self.cdf, self.np_rng.random(n)).tolist()
        words = [self.vocab[i] for i in idx]
        return "\n\n".join(" ".join(words[k : k + 60]) for k in range(0, n, 60))

    def next(self) -> str:
        if self.recent and self.rng.random() < 0.1:
            base = self.rng.choice(self.recent)
            site = self.rng.choice(self.sites)
            if self.rng.random() < 0.5:
                return "\n\n".join(site.header + [base] + site.footer)
            return excerpt(base, self.rng.uniform(0.15, 0.5)) + "\n\nRead more"
        text = self.fresh()
        if len(self.recent) < 2000:
            self.recent.append(text)
        else:
            self.recent[self.rng.randrange(2000)] = text
        return text


def memory_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1e3, int(fields["VmHWM"].split()[0]) / 1e3


def scale(
    bodies: list[tuple[str, str]], n: int, seed: int, index: FingerprintIndex | None = None
) -> dict[str, float]:
    texts = Texts(bodies, seed)
    index = MemoryIndex() if index is None else index
    commit = getattr(getattr(index, "db", None), "commit", lambda: None)
    gc.collect()
    rss0, _ = memory_mb()
    t_fp = t_query = t_add = 0.0
    clock = time.process_time  # CPU time of this process: one core, whatever else runs
    wall = time.perf_counter()
    for i in range(n):
        text = texts.next()
        t0 = clock()
        fp = fingerprint(text)
        t1 = clock()
        index.query(fp)
        t2 = clock()
        index.add(f"{i:012d}", fp)
        t3 = clock()
        t_fp, t_query, t_add = t_fp + t1 - t0, t_query + t2 - t1, t_add + t3 - t2
        if (i + 1) % 1000 == 0:
            commit()
        if n >= 100_000 and (i + 1) % (n // 10) == 0:
            print(f"  {i + 1:>9,} indexed, {(i + 1) / (t_fp + t_query + t_add):,.0f}/s", flush=True)
    commit()
    wall = time.perf_counter() - wall
    rss1, peak = memory_mb()
    probes = [fingerprint(texts.next()) for _ in range(3000)]
    times = []
    for fp in probes:
        fp.query_keys  # noqa: B018 (computed when fingerprinting, as in the pipeline)
        t0 = time.process_time_ns()
        index.query(fp)
        times.append((time.process_time_ns() - t0) / 1e9)
    times.sort()
    total = t_fp + t_query + t_add
    figures: dict[str, float] = {
        "articles": n,
        "articles/s (fingerprint+query+add), CPU time": n / total,
        "articles/s, wall clock (also generating texts)": n / wall,
        "fingerprint µs": t_fp / n * 1e6,
        "query µs (while growing)": t_query / n * 1e6,
        "add µs (amortised)": t_add / n * 1e6,
        "query µs median at size": statistics.median(times) * 1e6,
        "query µs p90 at size": times[int(len(times) * 0.9)] * 1e6,
        "query µs p99 at size": times[int(len(times) * 0.99)] * 1e6,
        "RSS growth MB (texts not kept)": rss1 - rss0,
        "peak RSS MB (whole process)": peak,
    }
    if isinstance(index, MemoryIndex):
        figures["index MB (arrays as allocated)"] = index.nbytes / 1e6
        figures["index MB (in use)"] = index.used_bytes / 1e6
    return figures


def measure(net: Network, orders: int, seed: int, verbose: bool) -> None:
    """Place the network in `orders` shuffled orders; print the figures of each."""
    made = dict(Counter(net.kind.values()))
    print(f"network: {len(net.docs)} articles, {len(set(net.truth.values()))} stories; {made}")
    print(f"  hard negatives built into the bodies: {net.hard}")
    partitions = []
    for order in range(orders):
        book, seconds = run_network(net, seed * 1000 + order)
        q = quality(net, book, verbose and order == 0)
        cells = " | ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in q.items()
        )
        print(f"order {order}: {cells} | {len(net.docs) / seconds:,.0f} placements/s")
        partitions.append(sorted(sorted(book.members(s)) for s in book.stories()))
        if order == 0:
            table = link_kinds(net, book)
            for made_as in ("exact", "full", "excerpt", "edited", "translation"):
                row = {k: v for (m, k), v in sorted(table.items()) if m == made_as}
                print(f"  {made_as:>11} linked to its original as {row}")
    print("same stories in every order:", all(p == partitions[0] for p in partitions))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="7", help="networks to build, e.g. 7,11,23")
    parser.add_argument("--orders", type=int, default=3, help="arrival orders to try")
    parser.add_argument("--stress", action="store_true", help="also a harder network")
    parser.add_argument("--scale", type=int, default=50_000, help="articles for the scale test")
    parser.add_argument("--sqlite", type=int, default=20_000, help="articles, SQLite index")
    parser.add_argument("--limit", type=int, default=None, help="use the first N bodies")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    bodies = load_bodies(CORPUS, args.limit)
    seeds = [int(seed) for seed in args.seeds.split(",")]
    for seed in seeds if args.orders else ():
        for stress in (False, True) if args.stress else (False,):
            print(f"seed {seed}{', stress' if stress else ''}:")
            measure(build_network(bodies, seed, stress), args.orders, seed, args.verbose)
    runs: list[tuple[str, int, FingerprintIndex | None]] = [("MemoryIndex", args.scale, None)]
    with tempfile.TemporaryDirectory() as folder:
        db = sqlite3.connect(Path(folder) / "index.sqlite")
        runs.append(("SQLiteIndex (file)", args.sqlite, SQLiteIndex(db)))
        for name, n, index in runs:
            if not n:
                continue
            print(f"scale, {name}: {n:,} synthetic articles, one core")
            for key, value in scale(bodies, n, seeds[0], index).items():
                print(
                    f"  {key}: {value:,.1f}" if isinstance(value, float) else f"  {key}: {value:,}"
                )
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

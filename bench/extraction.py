"""Body-extraction benchmark: our extractor beside trafilatura, in one process, on one corpus.

    .venv/bin/python bench/extraction.py [--limit N] [--repeat N] [--corpus DIR]
    .venv/bin/python bench/extraction.py --corpus wcxb [--kind article|all|TYPE] [--dump FILE]
                                         [--fresh]

Prints precision, recall and F1 (the official scorer's word 4-gram shingle metric, imported
from ../shared/bench/extraction/score.py), pages/s (wall clock, the scorer's) and pages per
CPU-second of this process (pages/s on one core, robust to other load) and failures for each
extractor (our body extractor alone, and the whole `extract_article` as the pipeline runs it,
beside trafilatura's body alone and trafilatura's body with its metadata: the peer of each), on
the whole corpus and on its even- and odd-indexed halves (we tune on one half and check on the other).
`adapter` is the entry point for the official scorer's `--callable bench.extraction:adapter`.

`--corpus wcxb` reads wcxb-dev (WCXB, Murrough Foley, CC-BY-4.0; see bench/wcxb.py) and reports
each domain half ("tune", "check") apart, in WCXB's own metric (mean over pages of word-level
precision, recall and F1: word tokens lower-cased, compared as multisets) beside the AEB one.
`--dump FILE` writes every page's scores and texts (JSON) for looking at the losses.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "bench" / "extraction" / "score.py"
CORPUS = SHARED / "corpora" / "article-extraction-benchmark"

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.extraction_wcxb import run_wcxb, speed_ratios  # noqa: E402
from scraper.extract.body import extract_body  # noqa: E402


def adapter(html: str, url: str | None = None) -> dict[str, str]:
    """Our extractor in the shape the official scorer calls: (html, url) -> {"text": ...}."""
    return {"text": extract_body(html, url).text}


def article_adapter(html: str, url: str | None = None) -> dict[str, str]:
    """The whole extraction (body, metadata, credit lines removed), as the pipeline runs it."""
    from scraper.extract import extract_article

    return {"text": extract_article(html, url).text}


def load_scorer() -> ModuleType:
    """The official scorer as a module, so that the metric is the very same code."""
    spec = importlib.util.spec_from_file_location("aeb_score", SCORER)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SCORER}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trafilatura_with_metadata(html: str, url: str | None = None) -> dict[str, str]:
    """trafilatura's body and metadata (title, author, date, ...) in one call: the peer of the
    whole `extract_article`, as `trafilatura` alone is the peer of our body extractor."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return {"text": (getattr(doc, "text", None) or "") if doc is not None else ""}


def extractors(score: ModuleType) -> list[tuple[str, Callable[[str, str | None], Any]]]:
    return [
        ("scraper", adapter),
        ("scraper extract_article", article_adapter),
        ("trafilatura", score.builtin("trafilatura")),
        ("trafilatura with metadata", trafilatura_with_metadata),
        ("trafilatura-precision", score.builtin("trafilatura-precision")),
    ]


class CpuTimed:
    """An extractor that also counts the CPU time of this process it spends: pages per
    CPU-second is pages/s on one core, whatever else the machine runs meanwhile."""

    def __init__(self, extract: Callable[[str, str | None], Any]) -> None:
        self.extract, self.seconds = extract, 0.0

    def __call__(self, html: str, url: str | None = None) -> Any:
        start = time.process_time()
        try:
            return self.extract(html, url)
        finally:
            self.seconds += time.process_time() - start


def _prf(score: ModuleType, per_doc: dict[str, dict[str, Any]], ids: list[str]) -> str:
    p, r, f1 = score.corpus_prf(
        [(per_doc[i]["tp"], per_doc[i]["fp"], per_doc[i]["fn"]) for i in ids]
    )
    return f"{p:.3f} | {r:.3f} | {f1:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="first N pages only")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes; pages/s is their median")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="an aeb-layout directory, or wcxb")
    ap.add_argument("--kind", default="article", help="wcxb: a page type, or all")
    ap.add_argument("--dump", type=Path, help="wcxb: write each page's scores and texts here")
    ap.add_argument("--fresh", action="store_true", help="wcxb: run trafilatura, not its cache")
    args = ap.parse_args(argv)
    if str(args.corpus) == "wcxb":
        return run_wcxb(load_scorer(), extractors, args)
    if not SCORER.exists() or not args.corpus.exists():
        print(
            f"skipped: {SCORER} or {args.corpus} not found (../shared is absent)", file=sys.stderr
        )
        return 0
    score = load_scorer()
    docs = list(score.load_aeb(args.corpus))[: args.limit or None]
    ids = [d.id for d in docs]
    halves = {"all": ids, "even": ids[0::2], "odd": ids[1::2]}
    print(f"{len(docs)} pages of {args.corpus.name}; P/R/F1 per half, pages/s on the whole run\n")
    print("| extractor | half | precision | recall | F1 | pages/s | pages/CPU-s | failures |")
    print("|---|---|---|---|---|---|---|---|")
    speeds: dict[str, float] = {}
    for name, extract in extractors(score):
        timed = CpuTimed(extract)
        res = score.evaluate(docs, timed, rounds=0, repeat=args.repeat)
        per_cpu_s = (len(docs) * max(1, args.repeat) + 1) / timed.seconds  # +1: the warm-up
        speeds[name] = per_cpu_s
        for half, sel in halves.items():
            speed = f"{res['docs_per_s']:.1f} | {per_cpu_s:.1f}" if half == "all" else " | "
            fails = str(res["failures"]) if half == "all" else ""
            print(f"| {name} | {half} | {_prf(score, res['per_doc'], sel)} | {speed} | {fails} |")
        sys.stdout.flush()
    print(f"\n{speed_ratios(speeds)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The wcxb-dev mode of bench/extraction.py: each extractor on the same pages, per domain half.

WCXB's own metric (Murrough Foley, CC-BY-4.0): per page, word-level precision, recall and F1 of
the extracted text against the gold `main_content`, tokens `\\w+` lower-cased and compared as
multisets; the figures are means over pages. The AEB metric (word 4-gram shingles, the official
scorer's code) is printed beside it. Peers' outputs (trafilatura) are cached under /tmp, keyed
by their version, the page type and the page: they do not change while we tune ours. Their
pages/CPU-s is then the cached run's; `--fresh` runs them again, for speeds under one load.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import wcxb

WORD = re.compile(r"\w+")
CACHE = Path("/tmp/scraper-bench-cache")
PEERS = ("trafilatura",)  # extractors whose outputs are cached (ours change as we tune)

Extractor = Callable[[str, str | None], Any]


def word_prf(gold: str, text: str) -> tuple[float, float, float]:
    """WCXB's per-page precision, recall and F1 over lower-cased word multisets."""
    g = Counter(w.lower() for w in WORD.findall(gold))
    t = Counter(w.lower() for w in WORD.findall(text))
    if not g and not t:
        return 1.0, 1.0, 1.0
    common = sum((g & t).values())
    p = common / sum(t.values()) if t else 0.0
    r = common / sum(g.values()) if g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _run(
    name: str, extract: Extractor, pages: list[wcxb.Page], kind: str, cached: bool
) -> dict[str, Any]:
    """{id: {"text", "seconds"}} for each page, and the CPU-seconds spent, cached for peers."""
    cache, done = None, {}
    if name.startswith(PEERS):
        version = importlib.metadata.version("trafilatura")
        cache = CACHE / f"{name}-{version}-{kind}.json"
        if cache.exists():
            done = json.loads(cache.read_text())
            if cached and all(p.id in done for p in pages):
                return {p.id: done[p.id] for p in pages}
    extract(pages[0].html(), pages[0].url)  # warm-up: lazy imports and first-use caches
    out: dict[str, Any] = {}
    for page in pages:
        html = page.html()
        start = time.process_time()
        try:
            text = extract(html, page.url).get("text") or ""
        except Exception as err:  # a crash scores as an empty prediction
            text = ""
            print(f"  {name} {page.id}: {type(err).__name__}: {err}"[:300])
        out[page.id] = {"text": text, "seconds": time.process_time() - start}
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(done | out))  # a --limit run adds to the cache
    return out


# our extractor -> its peer: the body alone beside trafilatura's body, the whole extract_article
# (body and metadata) beside trafilatura's body with its metadata
PEER_OF = {"scraper": "trafilatura", "scraper extract_article": "trafilatura with metadata"}


def speed_ratios(speeds: dict[str, float]) -> str:
    """Each of ours in pages per CPU-second over its peer's, measured in the same run."""
    cells = [
        f"{ours} / {peer} = {speeds[ours] / speeds[peer]:.2f}"
        for ours, peer in PEER_OF.items()
        if speeds.get(ours) and speeds.get(peer)
    ]
    return "speed beside the peer, same run (pages/CPU-s): " + "; ".join(cells)


def run_wcxb(
    score: ModuleType,
    extractors: Callable[[ModuleType], list[tuple[str, Extractor]]],
    args: argparse.Namespace,
) -> int:
    if not wcxb.available():
        print(f"skipped: {wcxb.CORPUS} not found (../shared is absent)")
        return 0
    kind = None if args.kind == "all" else args.kind
    pages = list(wcxb.pages(kind=kind))[: args.limit or None]
    gold = {p.id: p.gold.get("main_content") or "" for p in pages}
    halves = {h: [p.id for p in pages if p.half == h] for h in wcxb.HALVES}
    halves["all"] = [p.id for p in pages]
    print(f"{len(pages)} {args.kind} pages of wcxb-dev (WCXB, Murrough Foley, CC-BY-4.0)")
    print("WCXB: mean word P/R/F1 per page; AEB: shingle P/R/F1; speed on the whole run\n")
    print("| extractor | half | pages | WCXB P | WCXB R | WCXB F1 | AEB F1 | pages/CPU-s |")
    print("|---|---|---|---|---|---|---|---|")
    dump: dict[str, dict[str, Any]] = {
        p.id: {"half": p.half, "kind": p.kind, "url": p.url} for p in pages
    }
    speeds: dict[str, float] = {}
    for name, extract in extractors(score):
        if name == "trafilatura-precision":
            continue
        res = _run(name, extract, pages, args.kind, not args.fresh)
        cpu = sum(res[i]["seconds"] for i in halves["all"])
        for pid in halves["all"]:
            prf = word_prf(gold[pid], res[pid]["text"])
            dump[pid][name] = {"p": prf[0], "r": prf[1], "f1": prf[2], "text": res[pid]["text"]}
        for half, ids in halves.items():
            if not ids:
                continue
            p, r, f1 = (statistics.fmean(dump[i][name][k] for i in ids) for k in ("p", "r", "f1"))
            aeb = score.corpus_prf([score.match(gold[i], res[i]["text"]) for i in ids])[2]
            speed = f"{len(ids) / cpu:.1f}" if half == "all" and cpu else ""
            cells = [name, half, str(len(ids)), *(f"{x:.3f}" for x in (p, r, f1, aeb)), speed]
            print("| " + " | ".join(cells) + " |")
        print(flush=True)
        speeds[name] = len(halves["all"]) / cpu if cpu else 0.0
    print(speed_ratios(speeds) if args.fresh else "speed ratios: run with --fresh (peers cached)")
    if args.dump:
        args.dump.write_text(json.dumps(dump, ensure_ascii=False))
    return 0

r"""Per-field accuracy of the metadata extractor, beside trafilatura's and htmldate's.

    .venv/bin/python bench/metadata.py [--corpus DIR] [--show-misses]
    .venv/bin/python bench/metadata.py --wcxb [--kind article|all] [--show-misses]

`--wcxb`: the wcxb-dev corpus (WCXB, Murrough Foley, CC-BY-4.0), each domain half apart (tune
on "tune", judge on "check", see bench/wcxb.py), ours, trafilatura and htmldate on the same
pages in the same run. Metrics as WCXB words them (tokens are `\w+`, lower-cased, compared as
multisets): title token F1 (all pages), author token F1 (pages with a gold author; none given
scores 0), the share of author-less pages given an author (lower is better), date accuracy
(pages with a gold `publish_date`: the day we return, in the page's own offset, equals it; no
date is wrong). The peers' answers are cached under /tmp/scraper-metadata-bench (they do not
change); `--no-cache` recomputes them. ms/page is our CPU time per page.

Without `--wcxb`:

Pages: tests/data/metadata-annotations.json (ids of files in the article-extraction-benchmark
corpus, by default ../shared/corpora/article-extraction-benchmark next to the repository); the
pages noted 'held-out' were annotated after the extractor was written and get their own table.
Metrics, per field, over all annotated pages:
- title: equal after normalisation (NFKC, case, whitespace, quotes/dashes/ellipsis unified);
  the fuzzy column counts difflib ratio >= 0.9 on the normalised strings;
- published: same calendar day (in the offset the extractor returned), None == None counts;
- authors: equal as sets after normalisation (case, accents, punctuation ignored);
- original_url: equal after dropping scheme, 'www.' and a trailing slash (trafilatura has none).
ms/page is CPU time (process_time) per extraction, so other load on the machine does not count.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import wcxb  # noqa: E402
from scraper.extract.authors import name_key  # noqa: E402
from scraper.extract.metadata import extract_metadata  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "data" / "metadata-annotations.json"
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark"
FIELDS = ("title", "title~0.9", "published", "authors", "original_url")


def norm_title(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[‘’‚‛′`´]", "'", text)
    text = re.sub(r"[“”„‟″«»]", '"', text)
    text = re.sub(r"[‐‑‒–—―]", "-", text).replace("…", "...")
    return " ".join(text.split())


def norm_url(url: str | None) -> str | None:
    if not url:
        return None
    return re.sub(r"^https?://(www\.)?", "", url.strip()).rstrip("/")


def score(pred: dict[str, Any], truth: dict[str, Any]) -> dict[str, bool]:
    title, want = norm_title(pred["title"]), norm_title(truth["title"])
    return {
        "title": title == want,
        "title~0.9": difflib.SequenceMatcher(None, title, want).ratio() >= 0.9,
        "published": pred["published"] == truth["published"],
        "authors": {name_key(a) for a in pred["authors"]}
        == {name_key(a) for a in truth["authors"]},
        "original_url": norm_url(pred["original_url"]) == norm_url(truth["original_url"]),
    }


def ours(html: str, url: str) -> dict[str, Any]:
    meta = extract_metadata(html, url)
    return {
        "title": meta.title,
        "published": meta.published.date().isoformat() if meta.published else None,
        "authors": list(meta.authors),
        "original_url": meta.original_url,
    }


def trafilatura_metadata(html: str, url: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.extract_metadata(html, default_url=url)
    authors = re.split(r";\s*", doc.author) if doc and doc.author else []
    return {
        "title": doc.title if doc else None,
        "published": (doc.date or "")[:10] or None if doc else None,
        "authors": authors,
        "original_url": None,
    }


def run(
    extractor: Callable[[str, str], dict[str, Any]], pages: list[tuple[str, str, dict[str, Any]]]
) -> tuple[dict[str, float], float, list[tuple[str, str, Any, Any]]]:
    hits = dict.fromkeys(FIELDS, 0)
    times, misses = [], []
    for page_id, html, truth in pages:
        start = time.process_time()
        pred = extractor(html, truth["url"])
        times.append(time.process_time() - start)
        for field, ok in score(pred, truth).items():
            hits[field] += ok
            if not ok and field != "title~0.9":
                key = "title" if field.startswith("title") else field
                misses.append((page_id[:10], field, pred[key], truth[key]))
    accuracy = {field: hits[field] / len(pages) for field in FIELDS}
    return accuracy, 1000 * statistics.mean(times), misses


def load(corpus: Path) -> list[tuple[str, str, dict[str, Any]]]:
    annotations = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    pages = []
    for page_id, truth in annotations.items():
        if page_id.startswith("_"):
            continue
        html = gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, html.decode("utf-8", "replace"), truth))
    return pages


CACHE = Path("/tmp/scraper-metadata-bench")
TOKEN = re.compile(r"\w+")


def token_f1(got: str | None, want: str | None) -> float:
    """WCXB's word-level F1: `\\w+` tokens, lower-cased, compared as multisets."""
    a, b = Counter(TOKEN.findall((got or "").lower())), Counter(TOKEN.findall((want or "").lower()))
    common = sum((a & b).values())
    if not common:
        return float(not a and not b)
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def wcxb_ours(html: str, url: str) -> dict[str, Any]:
    meta = extract_metadata(html, url)
    return {
        "title": meta.title,
        "author": ", ".join(meta.authors) or None,
        "date": meta.published.date().isoformat() if meta.published else None,
    }


def wcxb_trafilatura(html: str, url: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.extract_metadata(html, default_url=url)
    return {
        "title": doc.title if doc else None,
        "author": doc.author if doc else None,
        "date": (doc.date or "")[:10] or None if doc else None,
    }


def wcxb_htmldate(html: str, url: str) -> dict[str, Any]:
    import htmldate

    date = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
    return {"title": None, "author": None, "date": date}


def _cached(name: str, extractor: Callable[[str, str], dict[str, Any]], use: bool):
    """A peer's answers kept on disk by page id: they do not change between our runs."""
    path = CACHE / f"{name}.json"
    store: dict[str, Any] = {}
    if use and path.exists():
        store = json.loads(path.read_text(encoding="utf-8"))

    def run_one(page: wcxb.Page) -> dict[str, Any]:
        if page.id not in store:
            try:
                store[page.id] = extractor(page.html(), page.url)
            except Exception:  # a peer's crash is a page it got nothing from
                store[page.id] = {"title": None, "author": None, "date": None}
        return store[page.id]

    def save() -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(store), encoding="utf-8")

    return run_one, save


def wcxb_scores(answers: list[dict[str, Any]], pages: list[wcxb.Page]) -> dict[str, Any]:
    titled = [(a, p) for a, p in zip(answers, pages, strict=True) if p.gold.get("title")]
    authored = [(a, p) for a, p in zip(answers, pages, strict=True) if p.gold.get("author")]
    anonymous = [(a, p) for a, p in zip(answers, pages, strict=True) if not p.gold.get("author")]
    dated = [(a, p) for a, p in zip(answers, pages, strict=True) if p.gold.get("publish_date")]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else float("nan")

    return {
        "title F1": mean([token_f1(a["title"], p.gold["title"]) for a, p in titled]),
        "author F1": mean([token_f1(a["author"], p.gold["author"]) for a, p in authored]),
        "no-author given": mean([float(bool(a["author"])) for a, _ in anonymous]),
        "date accuracy": mean([float(a["date"] == p.gold["publish_date"]) for a, p in dated]),
        "date missing": sum(1 for a, _ in dated if not a["date"]),
        "pages": len(pages),
        "with author": len(authored),
        "with date": len(dated),
    }


def run_wcxb(kind: str | None, show_misses: bool, use_cache: bool) -> None:
    peers = {
        "trafilatura": _cached("trafilatura", wcxb_trafilatura, use_cache),
        "htmldate": _cached("htmldate", wcxb_htmldate, use_cache),
    }
    for half in wcxb.HALVES:
        pages = list(wcxb.pages(kind=kind, half=half))
        ours_answers, cpu = [], 0.0
        peer_answers: dict[str, list[dict[str, Any]]] = {name: [] for name in peers}
        for page in pages:
            html = page.html()
            start = time.process_time()
            ours_answers.append(wcxb_ours(html, page.url))
            cpu += time.process_time() - start
            for name, (run_one, _save) in peers.items():
                peer_answers[name].append(run_one(page))
        for _run, save in peers.values():
            save()
        table = {"ours": wcxb_scores(ours_answers, pages)}
        table |= {name: wcxb_scores(answers, pages) for name, answers in peer_answers.items()}
        for metric in ("title F1", "author F1", "no-author given"):
            table["htmldate"][metric] = "-"  # htmldate finds dates only
        print(f"wcxb-dev, {kind or 'all page types'}, half {half!r}: {len(pages)} pages")
        print(f"{'metric':<16}" + "".join(f"{name:>13}" for name in table))
        for metric in table["ours"]:
            cells = (table[name][metric] for name in table)
            print(
                f"{metric:<16}"
                + "".join(f"{c:>13.3f}" if isinstance(c, float) else f"{c:>13}" for c in cells)
            )
        print(f"{'ms/page (cpu)':<16}{1000 * cpu / max(1, len(pages)):>13.1f}")
        if show_misses:
            for page, got in zip(pages, ours_answers, strict=True):
                gold = page.gold
                if gold.get("publish_date") and got["date"] != gold["publish_date"]:
                    print(f"miss {page.id} date: got {got['date']} want {gold['publish_date']}")
                if token_f1(got["author"], gold.get("author")) < 1:
                    print(
                        f"miss {page.id} author: got {got['author']!r} want {gold.get('author')!r}"
                    )
                if token_f1(got["title"], gold.get("title")) < 0.8:
                    print(f"miss {page.id} title: got {got['title']!r} want {gold.get('title')!r}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--wcxb", action="store_true", help="the wcxb-dev corpus, by domain half")
    parser.add_argument("--kind", default="article", help="wcxb page type, or 'all'")
    parser.add_argument("--no-cache", action="store_true", help="recompute the peers' answers")
    args = parser.parse_args()
    if args.wcxb:
        kind = None if args.kind == "all" else args.kind
        run_wcxb(kind, args.show_misses, not args.no_cache)
        return
    pages = load(args.corpus)
    ours(pages[0][1], pages[0][2]["url"])  # warm-up: imports, caches
    held_out = [p for p in pages if "held-out" in str(p[2].get("note", ""))]
    for label, subset in (("all annotated pages", pages), ("held-out pages only", held_out)):
        if not subset:
            continue
        results = {"ours": run(ours, subset), "trafilatura": run(trafilatura_metadata, subset)}
        print(f"{len(subset)} {label}")
        print(f"{'field':<14}" + "".join(f"{name:>14}" for name in results))
        for field in FIELDS:
            print(f"{field:<14}" + "".join(f"{r[0][field]:>14.3f}" for r in results.values()))
        print(f"{'ms/page (cpu)':<14}" + "".join(f"{r[1]:>14.1f}" for r in results.values()))
        if args.show_misses:
            for page_id, field, got, want in results["ours"][2]:
                print(f"miss {page_id} {field}: got {got!r} want {want!r}")
        print()


if __name__ == "__main__":
    main()

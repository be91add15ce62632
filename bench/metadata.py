"""Per-field accuracy of the metadata extractor on the hand-annotated pages, beside trafilatura's.

    .venv/bin/python bench/metadata.py [--corpus DIR] [--show-misses]

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
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

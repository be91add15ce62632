"""The block-page check's cost per page: it runs on every page fetched, before extraction.

    .venv/bin/python bench/blocked.py [--repeat 5]

Times `blocked_page` (decoding the bytes, then `detect_block`) as the pipeline calls it, on every
article page of both corpora (../shared/corpora: wcxb-dev's articles and the whole
article-extraction-benchmark), the best of `--repeat` passes per page, in CPU time. Prints the
median, mean, 99th percentile and worst page, the same for `detect_block` alone on decoded text
(the decoding is the rest), and how many pages needed the closer look (little real text).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import wcxb  # noqa: E402
from scraper.extract.blocked import (  # noqa: E402
    ENOUGH_TEXT,
    blocked_page,
    detect_block,
    real_text_chars,
)

AEB = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
CONTENT_TYPE = "text/html; charset=utf-8"


def _pages() -> list[bytes]:
    pages = [page.path.read_bytes() for page in wcxb.pages(kind="article")]
    pages += [path.read_bytes() for path in sorted((AEB / "html").glob("*.html.gz"))]
    return [gzip.decompress(page) for page in pages]


def _best(pages: list[bytes], run: Callable[[bytes], object], repeat: int) -> list[float]:
    """Each page's best CPU time over `repeat` passes, in microseconds."""
    best = [float("inf")] * len(pages)
    for _ in range(repeat):
        for i, page in enumerate(pages):
            started = time.process_time_ns()
            run(page)
            best[i] = min(best[i], (time.process_time_ns() - started) / 1000)
    return best


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    return (
        f"{name}: median {statistics.median(ordered):.0f} us, mean {statistics.fmean(ordered):.0f}"
        f" us, p99 {p99:.0f} us, worst {ordered[-1]:.0f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = _pages()
    if not pages:
        raise SystemExit("no pages: ../shared/corpora is missing")
    texts = [page.decode("utf-8", errors="replace") for page in pages]
    size = statistics.median(len(page) for page in pages) / 1024
    print(
        f"{len(pages)} article pages (median {size:.0f} KB); load average {os.getloadavg()[0]:.2f}"
    )
    closer = sum(real_text_chars(text, ENOUGH_TEXT + 1) <= ENOUGH_TEXT for text in texts)
    flagged = sum(blocked_page("u", page, CONTENT_TYPE, 200) is not None for page in pages)
    print(f"closer look (little real text): {closer} pages; judged blocked: {flagged}")
    whole = _best(pages, lambda page: blocked_page("u", page, CONTENT_TYPE, 200), args.repeat)
    print(_line("blocked_page (decode + detect)", whole))
    by_text = dict(zip(pages, texts, strict=True))
    alone = _best(pages, lambda page: detect_block(by_text[page]), args.repeat)
    print(_line("detect_block alone", alone))


if __name__ == "__main__":
    main()

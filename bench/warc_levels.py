"""WARC record compression: CPU and size of each gzip level on real article pages.

    .venv/bin/python bench/warc_levels.py [--pages N]

Compresses each page (all 181 by default) of the article-extraction-benchmark corpus (../shared/corpora) as one gzip
member, the way WARC records are written (scraper/store/warc.py), at levels 1-9: CPU ms per page
(the best of two passes) and the compressed size as a share of the HTML. The physical limit
beside it: copying the bytes (what storing them uncompressed would cost).
"""

from __future__ import annotations

import argparse
import gzip
import time
import zlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    args = parser.parse_args()
    files = sorted((CORPUS / "html").glob("*.html.gz"))[: args.pages]
    if not files:
        raise SystemExit(f"no pages in {CORPUS / 'html'}")
    pages = [gzip.decompress(f.read_bytes()) for f in files]
    raw = sum(map(len, pages))
    print(f"{len(pages)} pages, {raw / len(pages) / 1024:.0f} KB each on average")
    started = time.process_time()
    copied = sum(len(bytes(bytearray(p))) for p in pages)
    print(f"copy only: {1000 * (time.process_time() - started) / len(pages):.2f} ms/page")
    for level in range(1, 10):
        best, size = float("inf"), 0
        for _ in range(2):
            started, size = time.process_time(), 0
            for page in pages:
                compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
                size += len(compressor.compress(page) + compressor.flush())
            best = min(best, time.process_time() - started)
        print(
            f"level {level}: {1000 * best / len(pages):.2f} ms/page, {100 * size / raw:.1f}% "
            "of the HTML"
        )
    assert copied == raw


if __name__ == "__main__":
    main()

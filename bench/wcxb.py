"""The wcxb-dev corpus (WCXB, Murrough Foley, CC-BY-4.0), read in place, split by domain.

    from bench.wcxb import pages
    for page in pages(kind="article", half="tune"): ...

The split is fixed once for every benchmark and test: a page belongs to the "tune" half when the
SHA-256 of its registrable host (the URL's host without a leading "www.") is even, else to the
"check" half. Rules are tuned on "tune" and judged on "check"; both are reported.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "wcxb-dev"
HALVES = ("tune", "check")


@dataclass(frozen=True)
class Page:
    """One page of the corpus with its human-reviewed gold."""

    id: str
    url: str
    kind: str  # article, service, product, collection, forum, listing, documentation
    domain: str
    half: str  # "tune" or "check"
    gold: dict

    @property
    def path(self) -> Path:
        return CORPUS / "html" / f"{self.id}.html.gz"

    def html(self) -> str:
        return gzip.decompress(self.path.read_bytes()).decode("utf-8", errors="replace")


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def half_of(domain: str) -> str:
    """ "tune" for domains whose SHA-256 is even, "check" for the others."""
    return HALVES[hashlib.sha256(domain.encode("utf-8")).digest()[-1] % 2]


def available(corpus: Path = CORPUS) -> bool:
    return (corpus / "ground-truth").is_dir()


def pages(
    kind: str | None = "article", half: str | None = None, corpus: Path = CORPUS
) -> Iterator[Page]:
    """The corpus's pages in id order, of one page type (None: all) and one half (None: both)."""
    listed = json.loads((corpus / "pages.json").read_text(encoding="utf-8"))["files"]
    for path in sorted((corpus / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        page_kind = record.get("_internal", {}).get("page_type", {})
        page_kind = page_kind.get("primary", "") if isinstance(page_kind, dict) else ""
        if kind is not None and page_kind != kind:
            continue
        url = record.get("url", "")
        # One page lacks its URL: the corpus's own list names its domain, else its id stands in.
        domain = domain_of(url) or listed.get(path.stem, {}).get("domain") or path.stem
        page_half = half_of(domain)
        if half is not None and page_half != half:
            continue
        yield Page(path.stem, url, page_kind, domain, page_half, record["ground_truth"])

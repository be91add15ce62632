"""A faithful record on a network of real pages: lost articles, noise versions, real edits.

    .venv/bin/python bench/faithful.py [--pages 40] [--kills 20] [--seed 7] [--json]

Two local sites serve real article pages of both corpora (wcxb-dev's and the
article-extraction-benchmark's, half each): one answers every request with 200 and no
validators, the other with ETag and Last-Modified (its feed answers 304 when unchanged). Each
feed gives every entry an author, a time and a title, which many pages do not state; a quarter
of the pages carry a live line in their body that changes at every request (a market figure and
a clock), and another quarter a "most read" list of links that rotates.

1. `scraper fetch` is killed with SIGKILL at a random moment --kills times, then run until it
   exits 0: articles lost = pages served that `export` lacks.
2. `scraper fetch --revisit` three times, nothing edited: noise versions = versions beyond 1.
3. A sentence of the body is edited on --edits pages and `fetch --revisit` runs: real edits kept
   = those pages whose article has a second version holding the edit.
Goals (issue #19): 0 lost after any kill, 0 noise versions, 100% of real edits.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench import wcxb  # noqa: E402
from scraper.extract import extract_article  # noqa: E402
from tests.corpus import load_pages  # noqa: E402
from tests.testsite import FeedItem, TestSite, rss_feed  # noqa: E402

SCRAPER = str(ROOT / ".venv" / "bin" / "scraper")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
EDIT = "Correction: this passage was revised."


def real_pages(count: int) -> list[tuple[str, str, str]]:
    """(id, html, a sentence of its body that the HTML holds verbatim), from both corpora."""
    found: list[tuple[str, str, str]] = []
    wcxb_pages = (p for p in wcxb.pages("article") if p.gold.get("main_content"))
    aeb_pages = iter(load_pages())
    sources: list[Any] = [wcxb_pages, aeb_pages]
    turn = 0
    while len(found) < count and sources:
        source = sources[turn % len(sources)]
        page = next(source, None)
        if page is None:
            sources.remove(source)
            continue
        turn += 1
        html, body = (
            (page.html(), page.gold["main_content"])
            if hasattr(page, "gold")
            else (page.html, page.body)
        )
        sentence = next(
            (
                s
                for para in body.split("\n")
                for s in _SENTENCE.split(para)
                if len(s.split()) >= 12 and s in html and "</p>" in html[html.rfind(s) :]
            ),
            None,
        )
        # Only pages whose edit the extraction reads (some read a JSON-LD copy of the body,
        # which the edit below leaves alone): this measures versions, not extraction.
        edited = html.replace(sentence, f"{sentence} {EDIT}") if sentence else ""
        if sentence and EDIT in extract_article(edited, "http://127.0.0.1/news/x.html").text:
            found.append((f"p{len(found)}", html, sentence))
    return found


class Network:
    def __init__(self, pages: list[tuple[str, str, str]], seed: int) -> None:
        self.plain, self.validating = TestSite("127.0.0.1"), TestSite("127.0.0.2")
        self.pages, self.edited, self.rng = pages, set(), random.Random(seed)
        self.urls: dict[str, str] = {}

    def site(self, n: int) -> TestSite:
        return self.plain if n % 2 == 0 else self.validating

    def html(self, n: int, visit: int) -> str:
        ident, html, sentence = self.pages[n]
        at = html.find("</p>", html.rfind(sentence)) + len("</p>")  # the body's, not a meta's
        if n % 4 == 1:
            extra = f"<p>Live: the index stood at {7012 + 37 * visit} at {visit % 24}:{visit % 60:02d}.</p>"
        elif n % 4 == 2:
            links = "".join(
                f"<li><a href='/read/{k}.html'>Most read story number {k} of the day</a></li>"
                for k in range(visit % 9, visit % 9 + 4)
            )
            extra = f"<ul class='most-read'>{links}</ul>"
        else:
            extra = ""
        html = html[:at] + extra + html[at:]
        if n in self.edited:
            html = html.replace(sentence, f"{sentence} {EDIT}")
        return html

    def publish(self) -> None:
        items: dict[int, list[FeedItem]] = {0: [], 1: []}
        for n, (ident, _, _) in enumerate(self.pages):
            site, path = self.site(n), f"/news/{ident}.html"
            if site is self.plain or n % 4 in (1, 2):  # live pages are made per request
                site.add_live(path, lambda visit, n=n: self.html(n, visit))
            else:
                stamp = f"v{int(n in self.edited)}"
                site.add(
                    path,
                    self.html(n, 0),
                    etag=f"{ident}-{stamp}",
                    last_modified="Mon, 02 Mar 2026 10:00:00 GMT",
                )
            self.urls[ident] = site.url(path)
            items[n % 2].append(
                FeedItem(site.url(path), f"Headline {ident}", guid=ident, authors=("Feed Author",))
            )
        self.plain.add("/feed.xml", rss_feed(items[0]), content_type="application/rss+xml")
        self.validating.add(
            "/feed.xml", rss_feed(items[1]), content_type="application/rss+xml", etag="feed-1"
        )

    def close(self) -> None:
        self.plain.close()
        self.validating.close()


def config(folder: Path, net: Network) -> Path:
    text = f"""[archive]
path = "archive"

[http]
allow_private_addresses = true
per_host_delay = "0.05s"

[[sources]]
name = "plain"
feed = "{net.plain.url("/feed.xml")}"

[[sources]]
name = "validating"
feed = "{net.validating.url("/feed.xml")}"
"""
    path = folder / "scraper.toml"
    path.write_text(text, encoding="utf-8")
    return path


def scraper(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRAPER, *args], capture_output=True, text=True, timeout=600)


def exported(path: Path) -> dict[str, dict[str, Any]]:
    out = scraper("export", "--config", str(path)).stdout
    return {r["url"]: r for r in (json.loads(line) for line in out.splitlines() if line.strip())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    net = Network(real_pages(args.pages), args.seed)
    try:
        net.plain.latency = net.validating.latency = 0.05
        net.publish()
        with tempfile.TemporaryDirectory() as tmp:
            path = config(Path(tmp), net)
            for _ in range(args.kills):
                proc = subprocess.Popen(
                    [SCRAPER, "fetch", "--config", str(path)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(rng.uniform(0.3, 3.0))
                proc.kill()
                proc.wait()
            runs = 0
            while runs < 5:
                runs += 1
                if scraper("fetch", "--config", str(path)).returncode == 0:
                    break
            first = exported(path)
            lost = sorted(set(net.urls.values()) - set(first))
            verify = scraper("verify", "--config", str(path))
            for _ in range(3):
                scraper("fetch", "--revisit", "--config", str(path))
            again = exported(path)
            noise = {url: r["versions"] for url, r in again.items() if r["versions"] != 1}
            candidates = [n for n in range(len(net.pages)) if net.urls[net.pages[n][0]] in again]
            net.edited = set(rng.sample(candidates, min(args.edits, len(candidates))))
            net.publish()
            scraper("fetch", "--revisit", "--config", str(path))
            after = exported(path)
            kept = [
                n
                for n in net.edited
                if after[net.urls[net.pages[n][0]]]["versions"] == 2
                and "this passage was revised" in after[net.urls[net.pages[n][0]]]["text"]
            ]
            others = sum(
                1
                for n in range(len(net.pages))
                if n not in net.edited
                and after.get(net.urls[net.pages[n][0]], {}).get("versions", 1) != 1
            )
    finally:
        net.close()
    result = {
        "pages": len(net.pages),
        "kills": args.kills,
        "runs_to_finish": runs,
        "articles_lost": len(lost),
        "verify_exit": verify.returncode,
        "not_archived_lines": verify.stdout.count("not archived yet"),
        "noise_versions": sum(v - 1 for v in noise.values()),
        "noise_after_edits": others,
        "edits": len(net.edited),
        "edits_kept": len(kept),
        "edits_missed": [
            (
                n % 4,
                "plain" if n % 2 == 0 else "validating",
                after[net.urls[net.pages[n][0]]]["versions"],
            )
            for n in sorted(net.edited - set(kept))
        ],
    }
    print(
        json.dumps(result, indent=2)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in result.items())
    )
    good = not lost and not noise and not others and len(kept) == len(net.edited)
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())

"""False stories from claims: real pages whose canonicals and credit links lie, beside genuine
republications, archived by `scraper fetch` and scored against the truth.

    .venv/bin/python bench/claims.py [--origins 40] [--template 24] [--sidebar 24]
                                     [--inline 12] [--half check] [--seed 5] [--verbose]

Every page is a real page of ../shared/corpora/wcxb-dev (one per real domain, from one half of
its fixed domain split: `bench.wcxb`), served by tests/testsite.py on a loopback address per
site:
- "cms": real pages whose template carries one fixed `<link rel="canonical">`, `og:url` and
  JSON-LD url (a common CMS mistake); every page is an article of its own, but for a few
  credited copies of originals (under that canonical too);
- "portal": real pages with a sidebar on every page crediting one agency article ("This story
  was first published by Agency Wire"), which is archived too ("agency");
- "wire-portal": real texts in a template that ends every article with that same credit line,
  inside the article (so the first page's credit looks like its own until a second repeats it);
- "origin-a", "origin-b": real pages as they are, the originals;
- "aggregator": each original's text in the aggregator's own template, with a credit line
  inside the article ("La source originale de cet article est ...") and a later date;
- "digest": every third original's lead ("Read more"), crediting it the same way (on a site of
  its own: on the aggregator's, the template learned from its first pages took the lead it
  shares with the full copy out of the copy's body);
- "mirror": every third original's text under a canonical (and og:url) naming it, no credit
  line, and a date earlier than the original's (only the canonical, backed by the texts, tells);
- "translator": some originals translated (simulated: other words, same shape), crediting the
  original inside the article.
Reported: pairwise precision and recall of the stories against the truth, and the share of
articles whose `original_url` is right (the original's URL for a copy, none for an original or
a page that copied nothing), for two arrival orders: the copies first, the originals first.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.dedupe_metrics import score  # noqa: E402
from bench.synth import translate  # noqa: E402
from bench.wcxb import Page, available, pages  # noqa: E402
from scraper.urls import normalize_url  # noqa: E402
from tests.testsite import FeedItem, TestSite, rss_feed  # noqa: E402

# One loopback address per site: extraction tells sites apart by host, not by port.
HOSTS = {
    "cms": "127.0.0.3",
    "portal": "127.0.0.4",
    "agency": "127.0.0.5",
    "origin-a": "127.0.0.6",
    "origin-b": "127.0.0.7",
    "aggregator": "127.0.0.8",
    "translator": "127.0.0.9",
    "wire-portal": "127.0.0.10",
    "mirror": "127.0.0.11",
    "digest": "127.0.0.12",
}
COPIES = ("aggregator", "digest", "translator", "mirror", "cms", "portal", "wire-portal")
COPIES_FIRST = (COPIES, ("origin-a", "origin-b", "agency"))
ORIGINALS_FIRST = (("origin-a", "origin-b", "agency"), COPIES)
FIXED_CANONICAL = "/2019/01/welcome-to-our-new-website.html"
AGENCY_ARTICLE = "/wire/2026/12/01/agency-desk-report.html"
AGGREGATOR = "The Daily Aggregator"
EARLY = datetime(2001, 1, 1, 8, 0, tzinfo=UTC)  # a believable date, earlier than any original's
NAMES = {"origin-a": "The Harbour Courier", "origin-b": "Valley Ledger"}
# Credit lines as republishers write them, inside the article (the original's URL and name).
AGGREGATOR_CREDITS = [
    'La source originale de cet article est <a href="{url}">{name}</a>',
    'This article was originally published on <a href="{url}">{name}</a>.',
    'Republished with permission from <a href="{url}">{name}</a>.',
    'Originally published at <a href="{url}">{name}</a>',
]
TRANSLATION_CREDITS = [
    ("de", 'Dieser Artikel erschien zuerst bei <a href="{url}">{name}</a>.'),
    ("es", 'Publicado originalmente en <a href="{url}">{name}</a>'),
    ("fr", 'Cet article a été publié initialement par <a href="{url}">{name}</a>.'),
]
INLINE = '<p>This story was first published by <a href="{url}">Agency Wire</a></p>'
SIDEBAR = (
    '<aside class="sidebar"><h4>Source</h4><p>This story was first published by '
    '<a href="{url}">Agency Wire</a></p><ul><li><a href="/about">About us</a></li>'
    '<li><a href="/contact">Contact</a></li></ul></aside>'
)
CANONICAL = re.compile(r"<link\b[^>]*\brel=[\"']?canonical\b[^>]*>", re.I)
OG_URL = re.compile(r"<meta\b[^>]*\bproperty=[\"']?og:url\b[^>]*>", re.I)


@dataclass
class Served:
    site: str
    path: str
    html: str
    title: str


@dataclass
class ClaimsNetwork:
    """The pages each site serves, and the truth: each page's story and its `original_url`."""

    served: list[Served] = field(default_factory=list)
    story: dict[str, str] = field(default_factory=dict)  # url -> the original's url
    original: dict[str, str | None] = field(default_factory=dict)  # url -> original_url

    def copies(self) -> set[str]:
        return {url for url, original in self.original.items() if original}

    def add(self, page: Served, url: str, original: str | None) -> None:
        self.served.append(page)
        self.story[url] = original or url
        self.original[url] = original


@dataclass(frozen=True)
class Figures:
    articles: int
    pairs_true: int
    pairs_found: int
    precision: float
    recall: float
    originals_right: float
    wrong: tuple[str, ...]  # what went wrong, one line each


def corpus_pages(half: str | None, count: int, seed: int) -> list[Page]:
    """Real article pages with a body to copy, one per real domain, in a seeded order."""
    chosen: dict[str, Page] = {}
    for page in pages(kind="article", half=half):
        words = len(page.gold.get("main_content", "").split())
        if page.domain not in chosen and 200 <= words <= 2500 and page.gold.get("title"):
            chosen[page.domain] = page
    picked = sorted(chosen.values(), key=lambda p: p.id)
    random.Random(seed).shuffle(picked)
    if len(picked) < count:
        raise SystemExit(f"wcxb-dev has {len(picked)} usable pages, {count} asked")
    return picked[:count]


def paragraphs(page: Page) -> list[str]:
    return [p.strip() for p in page.gold["main_content"].split("\n") if p.strip()]


def template(
    site: str, title: str, body: str, date: datetime, lang: str = "en", head: str = ""
) -> str:
    """A republisher's page: its own navigation, sidebar and footer around the article."""
    esc = html_lib.escape
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)} | {site}</title>{head}"
        f'<meta property="article:published_time" content="{date.isoformat()}"></head><body>'
        f'<header><a href="/">{site}</a><nav><a href="/world">World</a> '
        f'<a href="/economy">Economy</a> <a href="/opinion">Opinion</a></nav></header>'
        f"<main><article><h1>{esc(title)}</h1>{body}</article>"
        f'<aside><h3>Most read</h3><ul><li><a href="/a/1">Markets rally</a></li>'
        f'<li><a href="/a/2">Storm warning</a></li></ul></aside></main>'
        f"<footer>© {site} — all rights reserved.</footer></body></html>"
    )


def html_paragraphs(texts: Sequence[str]) -> str:
    return "".join(f"<p>{html_lib.escape(t)}</p>" for t in texts)


def add_original(
    net: ClaimsNetwork,
    rng: random.Random,
    page: Page,
    i: int,
    bases: dict[str, str],
    day: datetime,
) -> None:
    """An original and its republications: an aggregator's credited copy, for every third one a
    digest's credited excerpt, for every fifth one a credited copy on the cms (under its fixed
    canonical), every other one a credited translation, every third one (offset
    by one) a mirror naming it only as its canonical, under a date that would make the mirror
    the earliest."""
    site = ("origin-a", "origin-b")[i % 2]
    path = f"/news/{page.id}.html"
    url = bases[site] + path
    title = page.gold["title"]
    texts = paragraphs(page)
    net.add(Served(site, path, page.html(), title), url, None)

    def copy(on: str, copy_path: str, served: str, copy_title: str) -> None:
        net.add(Served(on, copy_path, served, copy_title), bases[on] + copy_path, url)

    credit = rng.choice(AGGREGATOR_CREDITS).format(url=url, name=NAMES[site])
    body = html_paragraphs(texts) + f"<p>{credit}</p>"
    copy(
        "aggregator", f"/republished/{page.id}.html", template(AGGREGATOR, title, body, day), title
    )
    if i % 3 == 0:
        lead = texts[: max(2, len(texts) * 3 // 10)]
        line = f'<p><a href="{url}">Read more</a></p><p>{credit}</p>'
        brief = template(
            "Morning Digest", title, html_paragraphs(lead) + line, day + timedelta(hours=1)
        )
        copy("digest", f"/brief/{page.id}.html", brief, title)
    if i % 3 == 1:
        head = f'<link rel="canonical" href="{url}"><meta property="og:url" content="{url}">'
        mirror = template("Mirror Press", title, html_paragraphs(texts), EARLY, head=head)
        copy("mirror", f"/m/{page.id}.html", mirror, title)
    if i % 5 == 2:  # the cms republishes a few, its fixed canonical on them too
        cms = template("City Magazine", title, body, day + timedelta(hours=3))
        fixed = bases["cms"] + FIXED_CANONICAL
        copy("cms", f"/stories/copy-{page.id}.html", with_fixed_canonical(cms, fixed), title)
    if i % 2 == 0:
        lang, line = TRANSLATION_CREDITS[(i // 2) % len(TRANSLATION_CREDITS)]
        seed = rng.randrange(10**9)
        body = html_paragraphs([translate(t, seed) for t in texts])
        body += f"<p>{line.format(url=url, name=NAMES[site])}</p>"
        t_title = translate(title, seed)
        translated = template("Welt im Blick", t_title, body, day + timedelta(hours=2), lang)
        copy("translator", f"/{lang}/{page.id}.html", translated, t_title)


def with_fixed_canonical(html: str, url: str) -> str:
    """The page as a CMS template that names one fixed page as every page's canonical."""
    html = OG_URL.sub("", CANONICAL.sub("", html))
    ld = json.dumps({"@context": "https://schema.org", "@type": "WebPage", "url": url})
    head = (
        f'<link rel="canonical" href="{url}"><meta property="og:url" content="{url}">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    found = re.search(r"<head\b[^>]*>", html, re.I)
    at = found.end() if found else 0
    return html[:at] + head + html[at:]


def with_sidebar(html: str, url: str) -> str:
    """The page with a sidebar crediting one agency article, as every page of the site has."""
    at = html.lower().rfind("</body>")
    at = at if at >= 0 else len(html)
    return html[:at] + SIDEBAR.format(url=url) + html[at:]


def build(
    corpus: Sequence[Page],
    bases: dict[str, str],
    origins: int,
    templated: int,
    sidebar: int,
    inline: int,
    seed: int,
    day: datetime,
) -> ClaimsNetwork:
    """The network over `corpus` pages (origins, then the cms's, the portals', the agency's)."""
    rng = random.Random(seed)
    need = origins + templated + sidebar + inline + 1
    if len(corpus) < need:
        raise ValueError(f"{need} pages needed, {len(corpus)} given")
    net = ClaimsNetwork()
    it = iter(corpus)
    for i in range(origins):
        add_original(net, rng, next(it), i, bases, day)
    fixed = bases["cms"] + FIXED_CANONICAL
    for _ in range(templated):
        page = next(it)
        path = f"/stories/{page.id}.html"
        served = Served("cms", path, with_fixed_canonical(page.html(), fixed), page.gold["title"])
        net.add(served, bases["cms"] + path, None)
    agency_url = bases["agency"] + AGENCY_ARTICLE
    for _ in range(sidebar):
        page = next(it)
        path = f"/read/{page.id}.html"
        served = Served("portal", path, with_sidebar(page.html(), agency_url), page.gold["title"])
        net.add(served, bases["portal"] + path, None)
    for _ in range(inline):
        page = next(it)
        path = f"/wire/{page.id}.html"
        body = "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs(page))
        title = page.gold["title"]
        page_html = template(
            "Regional Wire Portal", title, body + INLINE.format(url=agency_url), day
        )
        net.add(Served("wire-portal", path, page_html, title), bases["wire-portal"] + path, None)
    page = next(it)
    net.add(Served("agency", AGENCY_ARTICLE, page.html(), page.gold["title"]), agency_url, None)
    return net


def serve(net: ClaimsNetwork, sites: dict[str, TestSite]) -> None:
    """Every page on its site, and each site's feed listing its pages."""
    items: dict[str, list[FeedItem]] = {name: [] for name in sites}
    for page in net.served:
        url = sites[page.site].add(page.path, page.html)
        items[page.site].append(FeedItem(url, page.title))
    for name, site in sites.items():
        feed = rss_feed(items[name], title=name, link=site.url("/"))
        site.add("/feed.xml", feed, content_type="application/rss+xml")


def config_text(archive: Path, sites: dict[str, TestSite]) -> str:
    """A config naming one source per site (loopback allowed, no politeness delay)."""
    lines = [
        "[archive]",
        f"path = {json.dumps(str(archive))}",
        "",
        "[http]",
        "allow_private_addresses = true",
        'per_host_delay = "0s"',
        'timeout = "20s"',
    ]
    for name, site in sites.items():
        lines += [
            "",
            "[[sources]]",
            f'name = "{name}"',
            f"feed = {json.dumps(site.url('/feed.xml'))}",
        ]
    return "\n".join(lines) + "\n"


def figures(records: Sequence[dict[str, Any]], net: ClaimsNetwork) -> Figures:
    """Pairwise precision and recall of the stories, and the share of right `original_url`s."""
    by_url = {normalize_url(r["url"]): r for r in records}
    truth = {normalize_url(u): normalize_url(s) for u, s in net.story.items()}
    found = {u: str(r.get("story_id") or r["id"]) for u, r in by_url.items() if u in truth}
    scores = score(found, truth)
    wrong = [f"not archived: {u}" for u in truth if u not in by_url]
    right = 0
    for url, expected in net.original.items():
        record = by_url.get(normalize_url(url))
        got = record.get("original_url") if record else None
        if (normalize_url(got) if got else None) == (normalize_url(expected) if expected else None):
            right += 1
        elif record:
            wrong.append(f"original_url of {url}: {got} (truth: {expected})")
    members: dict[str, list[str]] = {}
    for url, story in found.items():
        members.setdefault(story, []).append(url)
    for urls in members.values():
        stories = {truth[u] for u in urls}
        if len(stories) > 1:
            wrong.append(f"joined: {sorted(urls)}")
    return Figures(
        len(by_url),
        scores.pairs_true,
        scores.pairs_found,
        scores.precision,
        scores.recall,
        right / len(net.original),
        tuple(wrong),
    )


@contextmanager
def running_sites() -> Iterator[dict[str, TestSite]]:
    with ExitStack() as stack:
        yield {name: stack.enter_context(TestSite(host)) for name, host in HOSTS.items()}


def run(
    half: str | None,
    counts: tuple[int, int, int, int],
    seed: int,
    order: tuple[tuple[str, ...], ...],
) -> Figures:
    from scraper.cli import main

    corpus = corpus_pages(half, sum(counts) + 1, seed)
    with running_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        bases = {name: site.url("").rstrip("/") for name, site in sites.items()}
        day = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        net = build(corpus, bases, *counts, seed, day)
        serve(net, sites)
        config = Path(tmp) / "scraper.toml"
        config.write_text(config_text(Path(tmp) / "archive", sites), encoding="utf-8")
        for group in order:
            sources = [arg for name in group for arg in ("--source", name)]
            with redirect_stdout(StringIO()):
                main(["fetch", "--config", str(config), *sources])
        out = StringIO()
        with redirect_stdout(out):
            main(["export", "--config", str(config)])
        records = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return figures(records, net)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--origins", type=int, default=40, help="originals (each copied once)")
    parser.add_argument("--template", type=int, default=24, help="pages with one fixed canonical")
    parser.add_argument("--sidebar", type=int, default=24, help="pages with a sidebar credit")
    parser.add_argument("--inline", type=int, default=12, help="pages with a template credit line")
    parser.add_argument("--half", choices=("tune", "check", "both"), default="check")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="list what went wrong")
    args = parser.parse_args()
    if not available():
        raise SystemExit("../shared/corpora/wcxb-dev is not present")
    half = None if args.half == "both" else args.half
    for label, order in (("copies first", COPIES_FIRST), ("originals first", ORIGINALS_FIRST)):
        start = time.perf_counter()
        counts = (args.origins, args.template, args.sidebar, args.inline)
        got = run(half, counts, args.seed, order)
        print(
            f"{label}: {got.articles} articles, {got.pairs_true} pairs true, {got.pairs_found} "
            f"found | pairwise precision {got.precision:.4f} | "
            f"recall {got.recall:.4f} | originals right {got.originals_right:.4f} | "
            f"{len(got.wrong)} faults | {time.perf_counter() - start:.0f} s"
        )
        for line in got.wrong if args.verbose else ():
            print("   ", line)


if __name__ == "__main__":
    main()

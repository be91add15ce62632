"""A seeded network of republications around real article bodies, to measure the engine.

`build_network(bodies, seed)` makes every body an original and draws around it, with its own
random generator: exact copies (some naming the original as canonical), full copies under
another site's header and footer with a credit line (some crediting the URL), excerpts of
15-50% ending in "Read more" (some in a site template, some crediting the URL), edited copies
(a few sentences changed, removed and added; retitled; some in a template) and translations
crediting the original (simulated: other words, same shape). Hard negatives are built into the
bodies first: articles quoting one long paragraph of another, pairs sharing a press release
paragraph, wire lines ("Reuters contributed to this report") on a third of them, and site
templates shared by the unrelated copies each site publishes. Dates: copies hours to days after
their original; a few undated, epoch-dated or dated after we fetched them (not trustworthy),
and some syndicated the same minute (a tie unless a credit tells).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.dedupe.model import DedupeDoc
from scraper.urls import article_id

WORDS = [
    "news",
    "daily",
    "herald",
    "post",
    "times",
    "tribune",
    "wire",
    "report",
    "press",
    "journal",
    "gazette",
]
TOPICS = ["politics", "business", "science", "sport and culture"]
NAMES = [
    "Ana Lopez",
    "James Okafor",
    "Mei Chen",
    "Tom Brown",
    "Sara Novak",
    "Ivan Petrov",
    "Lena Weiss",
]
FILLER = [
    "The company did not immediately respond to a request for comment on Tuesday.",
    "Officials said more details would be released in the coming days.",
    "The announcement came after weeks of speculation among analysts and investors.",
    "It was not clear how many people would be affected by the decision.",
    "Critics have long argued that the plan does not go far enough.",
]
WIRE = [
    "Reuters contributed to this report.",
    "(Reporting by {a}; Editing by {b})",
    "Copyright {y} The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed.",
    "AFP contributed to this story.",
    "This story has been updated with additional details from the statement and comments "
    "from analysts.",
]
CREDITS = [
    "The original source of this article is {site}.",
    "This article originally appeared on {site}.",
    "Republished with permission from {site}.",
    "Source: {site}",
    "This story was first published by {site} and is shared here under a licence agreement.",
]
READ_MORE = ["Read more", "Read the full story at {site}", "Continue reading...", "[...] Read more"]
FOREIGN = ["Fuente original: {site}", "Quelle: {site}", "Source originale : {site}"]


@dataclass
class Site:
    domain: str
    name: str
    header: list[str]
    footer: list[str]


TAGLINES = [
    "Independent reporting on {topic} from our newsroom, since {year}.",
    "Your trusted source for {topic} news in {region} and the surrounding counties.",
    "News and views from {region} for more than {age} years.",
    "Award-winning coverage of {topic} and community life in {region}.",
]
FOOTERS = [
    "{name} covers {topic} and much more every single day, with stories that matter to readers "
    "across {region}.",
    "Thank you for reading {name}. Our journalism is funded by readers like you, and we never "
    "put it behind a paywall.",
    "Have a story tip for {name}? Our newsroom in {region} reads every message we receive and "
    "replies within two working days.",
    "{name} is part of a family of local titles serving {region} with news about {topic}.",
]
REGIONS = ["the valley", "the north coast", "greater Springfield", "the Midlands", "the bay area"]


def make_sites(rng: random.Random, n: int = 14, stress: bool = False) -> list[Site]:
    """Republishing sites, each with its own template (`stress`: two long lines more)."""
    sites = []
    for i in range(n):
        a, b = rng.sample(WORDS, 2)
        name = f"The {a.title()} {b.title()}"
        nav = " | ".join(rng.sample(["Home", "World", "Politics", "Business", "Sport", "Tech"], 5))
        fill = {
            "name": name,
            "topic": rng.choice(TOPICS),
            "region": rng.choice(REGIONS),
            "year": 1950 + i,
            "age": 20 + i,
        }
        header = [name, nav, rng.choice(TAGLINES).format(**fill)]
        footer = [
            "Share this article",
            rng.choice(FOOTERS).format(**fill),
            f"© 2024 {name}. All rights reserved.",
            "Sign up for our newsletter to get the latest stories delivered to your inbox.",
        ]
        if stress:
            header.append(
                f"Breaking news, analysis and opinion from the {name} team of reporters and "
                "editors across the country, every day of the year."
            )
            footer.insert(0, f"Most read: {' '.join(rng.choices(WORDS, k=12))}")
        sites.append(Site(f"{a}{b}{i}.example", name, header, footer))
    return sites


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])", paragraph) if s]


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def spaced(text: str) -> bool:
    """A text written with spaces between words (not Chinese or Japanese)."""
    return len(text) < 12 * max(1, len(text.split()))


def excerpt(text: str, fraction: float) -> str:
    """The first `fraction` of the words, cut at a sentence end when one is near."""
    words = text.split()
    want = max(12, int(len(words) * fraction))
    out: list[str] = []
    count = 0
    for para in paragraphs(text):
        kept = []
        for sentence in sentences(para):
            n = len(sentence.split())
            if count + n > want * 1.15 and count >= want * 0.85:
                break
            if count + n > want * 1.15:  # one long sentence: cut inside it
                sentence = " ".join(sentence.split()[: want - count]) + "..."
                n = want - count
            kept.append(sentence)
            count += n
        if kept:
            out.append(" ".join(kept))
        if count >= want * 0.85:
            break
    return "\n\n".join(out)


def edit(rng: random.Random, text: str) -> str:
    """A few sentences changed, removed and added."""
    paras = [sentences(p) for p in paragraphs(text)]
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    if len(flat) < 4:
        return text + "\n\n" + rng.choice(FILLER)
    for i, j in rng.sample(flat, min(len(flat) // 4, rng.randint(1, 3))):
        words = paras[i][j].split()
        for k in rng.sample(range(len(words)), max(1, len(words) // 4)):
            words[k] = rng.choice(["reportedly", "new", "major", "several", "local", "key"])
        paras[i][j] = " ".join(words)
    for i, j in sorted(rng.sample(flat, rng.randint(1, 2)), reverse=True):
        if len(paras[i]) > 1:
            del paras[i][j]
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(paras))
        extra = rng.choice(FILLER)
        paras[i].insert(rng.randint(0, len(paras[i])), extra)
    return "\n\n".join(" ".join(p) for p in paras if p)


def press_release(rng: random.Random, n: int) -> str:
    """A press release paragraph of its own (stock phrases, but its own names and facts)."""
    company = (
        f"{rng.choice(['Zen', 'Nor', 'Kal', 'Vex', 'Ori'])}{rng.choice(['trix', 'vale', 'dex'])}"
    )
    partner = rng.choice(["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"])
    parts = [
        rng.choice(
            [
                f"{company} {n} Holdings, a leading provider of {rng.choice(WORDS)} software, today "
                f"announced a strategic partnership with {partner} to expand in {rng.choice(REGIONS)}.",
                f"{partner} and {company} {n} said on {rng.choice(['Monday', 'Friday'])} they had "
                f"signed an agreement to jointly develop {rng.choice(WORDS)} services for "
                f"{rng.choice(TOPICS)} customers.",
            ]
        ),
        rng.choice(
            [
                f"The deal, valued at {rng.randint(20, 900)} million dollars, is expected to close in "
                f"the {rng.choice(['second', 'third', 'fourth'])} quarter of {rng.randint(2024, 2026)}.",
                f"Financial terms were not disclosed, but people familiar with the matter put the "
                f"value near {rng.randint(20, 900)} million.",
            ]
        ),
        f"“We are thrilled to join forces with {partner},” said {rng.choice(NAMES)}, chief "
        f"executive of {company} {n}, adding that the {rng.choice(WORDS)} market had grown by "
        f"{rng.randint(5, 60)} percent since {rng.randint(2015, 2022)}.",
        rng.choice(
            [
                "The companies will hold a conference call for analysts and investors on Tuesday.",
                f"Shares of {partner} rose {rng.randint(1, 9)} percent in early trading.",
            ]
        ),
    ]
    return " ".join(parts)


def translate(text: str, seed: int) -> str:
    """Other words, the same shape: a stand-in for a translation (no shared shingles)."""
    lang = random.Random(seed)
    table: dict[str, str] = {}

    def word(w: str) -> str:
        if w not in table:
            table[w] = "".join(lang.choice("aeioulmnrstkvz") for _ in range(max(2, len(w))))
        return table[w]

    return re.sub(r"\w+", lambda m: word(m.group().lower()), text)


@dataclass
class Network:
    docs: list[DedupeDoc] = field(default_factory=list)
    truth: dict[str, str] = field(default_factory=dict)  # doc id -> story (the original's id)
    kind: dict[str, str] = field(default_factory=dict)  # doc id -> what it was made as
    hard: dict[str, int] = field(default_factory=dict)  # hard negatives built in, by kind


def build_network(bodies: list[tuple[str, str]], seed: int = 7, stress: bool = False) -> Network:
    """A deterministic network of originals, copies and hard negatives around `bodies`.

    `stress` makes it harder than the description above: larger site templates, twice the
    edits, and excerpts cut anywhere (mid-word) rather than at a sentence end.
    """
    rng = random.Random(seed)
    sites = make_sites(rng, stress=stress)
    texts = [text for _, text in bodies]
    hard = {"wire lines": 0, "quoted paragraphs": 0, "shared press releases": 0}
    for i in range(len(texts)):  # wire lines, shared by many unrelated stories
        if rng.random() < 0.35:
            a, b = rng.sample(NAMES, 2)
            texts[i] += "\n\n" + rng.choice(WIRE).format(a=a, b=b, y=2024)
            hard["wire lines"] += 1
    for i in rng.sample(range(len(texts)), len(texts) // 6):  # a long quote of another article
        j = rng.randrange(len(texts))
        quotes = [p for p in paragraphs(texts[j]) if 40 <= len(p.split()) <= 130]
        size_i, size_j = len(texts[i].split()), len(texts[j].split())
        if i == j or not quotes or min(size_i, size_j) < 250 or not spaced(texts[i] + texts[j]):
            continue
        quote = max(quotes, key=len)
        if len(quote.split()) > 0.3 * min(size_i, size_j):
            continue
        paras = paragraphs(texts[i])
        paras.insert(len(paras) // 2, f"“{quote}”, {rng.choice(NAMES)} said.")
        texts[i] = "\n\n".join(paras)
        hard["quoted paragraphs"] += 1
    for n in range(len(texts) // 12):  # a press release quoted by two articles
        release = press_release(rng, n)
        hosts = [i for i, text in enumerate(texts) if len(text.split()) >= 250 and spaced(text)]
        for i in rng.sample(hosts, 2):
            paras = paragraphs(texts[i])
            paras.insert(rng.choice([len(paras) // 2 + 1, len(paras)]), release)
            texts[i] = "\n\n".join(paras)
        hard["shared press releases"] += 1

    net = Network(hard=hard)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for (url, _), text in zip(bodies, texts, strict=True):
        oid = article_id(url)
        lines = paragraphs(text)
        title = lines[0][:120] if lines else url
        when = start + timedelta(days=rng.uniform(0, 300))
        first = DedupeDoc(oid, url, text, title, when, first_seen=when + timedelta(hours=3))
        if rng.random() < 0.03:
            first = replace(first, published=None)
        add(net, first, oid, "original")
        for kind, p in (
            ("exact", 0.35),
            ("full", 0.85),
            ("full", 0.3),
            ("excerpt", 0.75),
            ("edited", 0.6),
            ("translation", 0.35),
        ):
            if rng.random() < p:
                add(net, variant(rng, kind, first, sites, stress), oid, kind)
    return net


def variant(
    rng: random.Random, kind: str, o: DedupeDoc, sites: list[Site], stress: bool = False
) -> DedupeDoc:
    site = rng.choice(sites)
    base = o.published or datetime(2024, 6, 1, tzinfo=UTC)
    when = base + timedelta(hours=rng.uniform(1, 24 * 6))
    slug = re.sub(r"\W+", "-", (o.title or "story").lower())[:40].strip("-")
    url = f"https://{site.domain}/2024/{slug}-{rng.randrange(10**6)}"
    body, credited, canonical, title = o.text, None, None, o.title
    home = o.url.split("/")[2]
    if kind == "exact":
        canonical = o.url if rng.random() < 0.3 else None
    elif kind == "full":
        credit = rng.choice(CREDITS).format(site=home)
        body = "\n\n".join(site.header + [o.text, credit] + site.footer)
        credited = o.url if rng.random() < 0.6 else None
    elif kind == "excerpt":
        fraction = rng.uniform(0.15, 0.5)
        body = o.text[: int(len(o.text) * fraction)] if stress else excerpt(o.text, fraction)
        body += "\n\n" + rng.choice(READ_MORE).format(site=home)
        if rng.random() < 0.3:
            body = "\n\n".join(site.header + [body] + site.footer)
        credited = o.url if rng.random() < 0.3 else None
    elif kind == "edited":
        body, title = edit(rng, o.text), f"{rng.choice(['Update', 'Analysis'])}: {title}"
        body = edit(rng, body) if stress else body
        if rng.random() < 0.4:
            body = "\n\n".join(site.header + [body] + site.footer)
    else:  # translation, crediting its source
        body = (
            translate(o.text, rng.randrange(10**9)) + "\n\n" + rng.choice(FOREIGN).format(site=home)
        )
        credited, title = o.url, translate(title or "", 1)
    first_seen = when + timedelta(hours=rng.uniform(0, 12))
    published: datetime | None = when
    roll = rng.random()
    if roll < 0.04:
        published = None
    elif roll < 0.07:
        published = datetime(1970, 1, 1, tzinfo=UTC)  # an epoch bug: not trustworthy
    elif roll < 0.10:
        published = first_seen + timedelta(days=3)  # later than we saw it: not trustworthy
    elif kind in ("exact", "full") and roll < 0.15:
        published = o.published  # syndicated the same minute: a tie, unless a credit tells
    # Every credit drawn here is a line of the copy's own text.
    return DedupeDoc(
        article_id(url), url, body, title, published, credited, canonical, first_seen, True
    )


def add(net: Network, doc: DedupeDoc, story: str, kind: str) -> None:
    net.docs.append(doc)
    net.truth[doc.id] = story
    net.kind[doc.id] = kind


def load_bodies(ground_truth: Path, limit: int | None = None) -> list[tuple[str, str]]:
    """(url, articleBody) of a ground-truth.json of the article-extraction benchmark, by id."""
    truth = json.loads(ground_truth.read_text(encoding="utf-8"))
    bodies = [(truth[k]["url"], truth[k]["articleBody"]) for k in sorted(truth)]
    return bodies[:limit]

"""The site's search: an index it ships as script files, and the page that queries it.

Chromium blocks `fetch()` of local files from a `file://` page, so the index is plain script
that the search page loads with `<script src>` (allowed by its CSP's `script-src 'self'`; no
other page runs any script). It is in two parts:

- `site/search/docs.js`: what a result row shows for every article (title, source, language,
  dates, its role in a story), column by column, numbered in archive order;
- `site/search/terms-NNNN.js`: for each `SHARD` articles in that order, every word of their
  titles, bodies and authors (folded: lower case, accents dropped) with the numbers of the
  articles holding it, as gaps between numbers, 5 bits a character. New articles join the last shard, so a rebuild
  after a fetch rewrites `docs.js` and one shard, not the whole index.

`search.js` (shipped with this package) reads both, and matches, filters and sorts in the page.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from itertools import chain, compress, count

import numpy as np
from numpy.typing import NDArray

from scraper.outputs.site import paths
from scraper.outputs.site.catalog import Entry, Story
from scraper.outputs.site.dates import published_label
from scraper.outputs.site.html import Job, esc, fingerprint, page, when
from scraper.store.base import Store

SHARD = 1000  # articles per terms file
TITLE = "."  # before a word: the word in a title (a folded word has no ".")
MAX_WORD = 40  # longer "words" are URLs, hashes or run-together text nobody types
ROLES = {"": 0, "original": 1, "copy": 2, "member": 3}
COLUMNS = (  # docs.js: a list per column, an article's values at its number in each
    "path",
    "title",
    "source",
    "language",
    "day",
    "published",
    "at",
    "archived",
    "seen",
    "role",
    "link",
)
_WORD = re.compile(r"[^\W_]+")  # letters and digits: JavaScript's [\p{L}\p{N}]+
# Kana and CJK ideographs, one by one; anything else, in runs (as search.js splits words)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IDEOGRAPHS = re.compile(f"[{_CJK}]|[^{_CJK}]+")
SORTS = (
    ("best", "Best match"),
    ("newest", "Newest published"),
    ("oldest", "Oldest published"),
    ("archived", "Newest archived"),
)


class _Marks(dict[int, int | None]):
    """`str.translate` table dropping combining marks, filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)).startswith("M") else code
        self[code] = value
        return value


_MARKS = _Marks()


def fold(text: str) -> str:
    """Text as the index keeps it, and as search.js folds a query the same way: compatibility
    forms decomposed, combining marks dropped, lower case."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_MARKS).lower()


@cache
def _token() -> re.Pattern[str]:
    """Letters, digits, underscores and combining marks: a word with its accents (and the odd
    underscore) in one piece, folded and split as search.js does afterwards."""
    marks = []
    start = previous = -2
    for code in range(0x10000):  # the BMP: a class with ranges beyond it is slow to match
        if unicodedata.category(chr(code)).startswith("M"):
            if code != previous + 1:
                if start >= 0:
                    marks.append((start, previous))
                start = code
            previous = code
    marks.append((start, previous))
    ranges = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in marks)
    return re.compile(f"[\\w{ranges}]+")


def words(text: str) -> set[str]:
    """The distinct words of `text`, folded; only the few tokens that are not plain ASCII
    words are folded one by one (folding whole bodies took most of a build's indexing).
    Chinese and Japanese characters are words of their own: those scripts put no spaces
    between words, so a query finds the articles holding each of its characters."""
    lowered = text.lower()
    tokens = list(set(_token().findall(lowered)))
    found = set(compress(tokens, map(str.isascii, tokens)))  # C loops: most are plain words
    odd = set(tokens) - found
    if "_" in lowered:
        odd.update(t for t in found if "_" in t)
    found -= odd
    if found and max(map(len, found)) > MAX_WORD:
        found = {t for t in found if len(t) <= MAX_WORD}
    for token in odd:
        found.update(_folded(token))
    return found


@lru_cache(maxsize=1 << 16)
def _folded(token: str) -> tuple[str, ...]:
    """A token that is not a plain ASCII word, as the words search.js makes of it (tokens
    recur from article to article: each is folded once)."""
    return tuple(
        w
        for word in _WORD.findall(fold(token))
        for w in _IDEOGRAPHS.findall(word)
        if len(w) <= MAX_WORD
    )


# Gaps between article numbers, 5 bits a character: a character below `_CONTINUE` ends a
# number, one from it on carries 5 more bits first. A gap under 32 takes one character.
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_CONTINUE = 32
_CODES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def _gap_chars(numbers: NDArray[np.int64]) -> tuple[str, NDArray[np.int64]]:
    """`numbers` written one after the other, 5 bits a character; and where each one ends."""
    digits = np.ones(len(numbers), dtype=np.int64)
    rest = numbers >> 5
    while rest.any():
        digits += rest > 0
        rest >>= 5
    ends = np.cumsum(digits)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    value, position = numbers.copy(), ends - 1
    out[position] = _CODES[value & 31]
    value >>= 5
    while (more := value > 0).any():
        position = position - 1
        out[position[more]] = _CODES[_CONTINUE + (value[more] & 31)]
        value >>= 5
    return out.tobytes().decode("ascii"), ends


def encode_postings(numbers: Sequence[int]) -> str:
    """Ascending article numbers as gaps, 5 bits a character (see `ALPHABET`)."""
    array = np.asarray(numbers, dtype=np.int64)
    return _gap_chars(np.diff(array, prepend=0))[0]


def terms_script(base: int, documents: Sequence[tuple[str, str]]) -> str:
    """A shard: each word of `documents` (the title and the rest of articles `base`,
    `base + 1`, ...) and where it occurs; each title word once more behind `TITLE`, so that
    search.js ranks title matches first without reading titles. Sorted as JavaScript compares
    strings (by UTF-16 code unit), so that search.js finds a word or a prefix by bisection.

    Words are numbered as they come and the postings sorted and encoded with numpy: a Python
    statement per (word, article) pair was most of a build's indexing."""
    vocabulary: defaultdict[str, int] = defaultdict(count().__next__)
    numbered: list[list[int]] = []
    for title, text in documents:
        in_title = words(title)
        found = [*(in_title | words(text)), *(TITLE + w for w in in_title)]
        numbered.append(list(map(vocabulary.__getitem__, found)))
    terms = sorted(vocabulary, key=lambda term: term.encode("utf-16-be"))
    if not terms:
        return _shard_script(base, [], [])
    rank = np.empty(len(terms), dtype=np.int64)
    rank[[vocabulary[t] for t in terms]] = np.arange(len(terms))
    word_of = rank[np.fromiter(chain.from_iterable(numbered), dtype=np.int64)]
    article_of = np.repeat(np.arange(len(numbered)), [len(n) for n in numbered])
    order = np.argsort(word_of, kind="stable")  # articles stay ascending within a word
    word_of, article_of = word_of[order], article_of[order]
    first = np.flatnonzero(np.r_[True, word_of[1:] != word_of[:-1]])
    gaps = np.diff(article_of, prepend=0)
    gaps[first] = article_of[first]
    chars, ends = _gap_chars(gaps)
    starts = np.r_[0, ends[:-1]][first].tolist()  # a word's postings: from its first gap
    stops = ends[np.r_[first[1:], len(gaps)] - 1].tolist()  # to the end of its last
    return _shard_script(base, terms, [chars[a:b] for a, b in zip(starts, stops, strict=True)])


def _shard_script(base: int, terms: list[str], postings: list[str]) -> str:
    data = {"base": base, "terms": terms, "postings": postings}
    return f"SCRAPER_SEARCH.shards.push({_json(data)});\n"


def docs_script(entries: Sequence[Entry], story_of: Mapping[str, Story]) -> str:
    """What each result row shows, as columns (articles numbered in archive order)."""
    sources = sorted({e.source for e in entries})
    languages = sorted({e.language for e in entries if e.language})
    source_number = {name: n for n, name in enumerate(sources)}
    language_number = {name: n + 1 for n, name in enumerate(languages)}  # 0: unknown
    columns: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for e in entries:
        story = story_of.get(e.id)
        role = story.role(e.id) if story else ""
        target = ""
        if role == "copy":
            target = paths.compare(e.id)
        elif role in ("original", "member") and story is not None:
            target = paths.story(story.id)
        columns["path"].append(_from_site(paths.article(e.id)))
        columns["title"].append(e.label)
        columns["source"].append(source_number[e.source])
        columns["language"].append(language_number.get(e.language or "", 0))
        columns["day"].append(e.day if e.published else "")
        columns["published"].append(published_label(e.published) if e.published else "")
        columns["at"].append(_minutes(e.when))
        columns["archived"].append(when(e.first_seen))
        columns["seen"].append(_minutes(e.first_seen))
        columns["role"].append(ROLES[role])
        columns["link"].append(_from_site(target) if target else "")
    data = {
        "sources": sources,
        "sourcePaths": [_from_site(paths.source_index(s)) for s in sources],
        "languages": ["", *languages],
        **columns,
    }
    return f"window.SCRAPER_SEARCH = {{shards: []}};\nSCRAPER_SEARCH.docs = {_json(data)};\n"


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _minutes(value: datetime) -> int:
    return int(value.timestamp() // 60)


def _from_site(path: str) -> str:
    """A path relative to site/, where the search page is."""
    return path.removeprefix("site/")


def shard_path(number: int) -> str:
    return f"{paths.SEARCH_FILES}terms-{number:04d}.js"


def search_jobs(
    store: Store, entries: Sequence[Entry], story_of: Mapping[str, Story]
) -> Iterator[Job]:
    """The search page, its script, the rows file and one terms file per `SHARD` articles
    (`entries` in archive order: a new article joins the last shard)."""
    shards = [entries[i : i + SHARD] for i in range(0, len(entries), SHARD)]
    docs_key = fingerprint(
        "search-docs",
        *(f"{e.key}\x1f{e.language}\x1f{_role_key(e, story_of)}" for e in entries),
    )
    yield Job(paths.SEARCH_FILES + "docs.js", docs_key, lambda: docs_script(entries, story_of))
    for number, shard in enumerate(shards):
        yield Job(
            shard_path(number),
            fingerprint("search-terms", number, *(e.key for e in shard)),
            lambda number=number, shard=shard: _shard(store, number * SHARD, shard),  # type: ignore[misc]
        )
    script = _script()
    yield Job(paths.SEARCH_FILES + "search.js", fingerprint("search-js", script), lambda: script)
    sources = sorted({e.source for e in entries})
    languages = sorted({e.language for e in entries if e.language})
    yield Job(
        paths.SEARCH,
        fingerprint("search-page", len(shards), *sources, "\x1e", *languages),
        lambda: search_page(sources, languages, len(shards)),
    )


def _role_key(entry: Entry, story_of: Mapping[str, Story]) -> str:
    story = story_of.get(entry.id)
    return f"{story.id}:{story.role(entry.id)}" if story else ""


def _shard(store: Store, base: int, shard: Sequence[Entry]) -> str:
    """Read the shard's articles (one at a time: bodies are never all in memory) and index
    their titles, authors and bodies."""
    documents = []
    for entry in shard:
        article = store.get_article(entry.id)
        if article is None:  # deleted since the entries were read: it matches nothing
            documents.append(("", ""))
            continue
        documents.append((article.title or "", f"{' '.join(article.authors)}\n{article.text}"))
    return terms_script(base, documents)


@cache
def _script() -> str:
    return resources.files("scraper.outputs.site").joinpath("search.js").read_text(encoding="utf-8")


def search_page(sources: Sequence[str], languages: Sequence[str], shards: int) -> str:
    """The search form with its filters; results are filled in by search.js."""
    path = paths.SEARCH
    source_options = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in sources)
    language_options = "".join(f'<option value="{esc(x)}">{esc(x)}</option>' for x in languages)
    sort_options = "".join(f'<option value="{k}">{esc(label)}</option>' for k, label in SORTS)
    body = (
        "<h1>Search the archive</h1>"
        '<form id="search-form" class="filters" action="search.html" method="get" role="search">'
        '<input type="search" id="q" name="q" aria-label="Words to find" '
        'placeholder="Words in titles, texts and authors (word* for a prefix)">'
        '<label>Source <select id="source" name="source"><option value="">all</option>'
        f"{source_options}</select></label>"
        '<label>Language <select id="language" name="language"><option value="">all</option>'
        f"{language_options}</select></label>"
        '<label>Published from <input type="date" id="from" name="from"></label>'
        '<label>to <input type="date" id="to" name="to"></label>'
        f'<label>Sort <select id="sort" name="sort">{sort_options}</select></label>'
        "</form>"
        '<p id="status" class="muted">Loading the index…</p>'
        "<noscript><p>Search runs in the page and needs JavaScript; the lists by source and "
        "by day need none.</p></noscript>"
        '<ol id="results" class="items"></ol>'
        '<p><button type="button" id="more" hidden>Show more</button></p>'
    )
    scripts = [
        paths.SEARCH_FILES + "docs.js",
        *(shard_path(n) for n in range(shards)),
        paths.SEARCH_FILES + "search.js",
    ]
    return page(path, "Search", body, scripts=scripts)

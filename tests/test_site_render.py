"""The site's pure parts: safe Markdown, escaping, links, pagination, stories, diffs."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scraper.dedupe import Link, OriginalChoice
from scraper.models import StoredArticle, StoredVersion
from scraper.outputs.site import paths
from scraper.outputs.site.article import article_page, diff_html, history_page
from scraper.outputs.site.catalog import Entry, Story, stories_from_index
from scraper.outputs.site.dates import published_label
from scraper.outputs.site.html import CSP, ext_link, rel, safe_url
from scraper.outputs.site.lists import (
    PER_PAGE,
    Listing,
    by_published,
    listing_jobs,
    render_rows,
    row_of,
)
from scraper.outputs.site.markdown import to_html
from scraper.outputs.site.search import ALPHABET, encode_postings, fold, terms_script, words
from scraper.outputs.site.stories import describe
from scraper.store.versions import word_diff

PAYLOADS = (
    "<script>window.pwned=1</script>",
    "<img src=x onerror=\"window.pwned=1;document.title='pwned'\">",
    '"><svg onload=alert(1)>',
    "</textarea><iframe src=javascript:alert(1)>",
)
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def entry(number: int, **changes: object) -> Entry:
    values: dict[str, object] = {
        "id": f"{number:016x}",
        "url": f"https://example.org/{number}",
        "source": "s",
        "title": f"Article {number}",
        "published": T0 + timedelta(hours=number),
        "first_seen": T0 + timedelta(hours=number),
        "last_seen": T0 + timedelta(hours=number),
        "versions": 1,
        "story_id": f"{number:016x}",
        "original_url": None,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def stored(title: str, markdown: str, **changes: object) -> StoredArticle:
    values: dict[str, object] = {
        "id": "00000000000000aa",
        "url": "https://example.org/a",
        "source": "s",
        "title": title,
        "authors": (PAYLOADS[1],),
        "published": T0,
        "updated": None,
        "language": "en",
        "tags": (PAYLOADS[0],),
        "text": markdown,
        "markdown": markdown,
        "canonical_url": None,
        "original_url": None,
        "story_id": "00000000000000aa",
        "versions": 1,
        "first_seen": T0,
        "last_seen": T0,
        "path": "example.org/2026/03/01/a",
    }
    values.update(changes)
    return StoredArticle(**values)  # type: ignore[arg-type]


def markup_of(html: str) -> set[str]:
    """The tag names in `html`: what a browser would build elements from."""
    return {m.lower() for m in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escapes_every_payload(payload: str) -> None:
    html = to_html(f"# {payload}\n\n{payload}\n\n- {payload}\n\n> {payload}\n\n| {payload} |")
    assert markup_of(html) <= {"h2", "p", "ul", "li", "blockquote", "table", "tr", "td"}
    assert "&lt;" in html and "onerror=" not in html.replace("onerror=&quot;", "")


def test_markdown_keeps_structure_and_links_only_http() -> None:
    html = to_html(
        "## Sub\n\nText with **bold**, *em* and `code`, [ok](https://example.org/x?a=1&b=2), "
        "[bad](javascript:alert(1)), [data](data:text/html,<b>x</b>).\n\n- one\n   - nested\n"
        "- two\n\n1. first\n2. second\n\n> quoted\n\n```\n<b>kept as text</b>\n```"
    )
    assert "<h3>Sub</h3>" in html and "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">' in html
    assert "javascript:" not in html and 'href="data' not in html
    assert "<ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>" in html
    assert "<ol><li>first</li><li>second</li></ol>" in html
    assert "<blockquote><p>quoted</p></blockquote>" in html
    assert "<pre><code>&lt;b&gt;kept as text&lt;/b&gt;</code></pre>" in html


def test_markdown_survives_deep_quotes_and_unclosed_marks() -> None:
    html = to_html(">" * 5000 + " deep\n\n**unclosed *marks `and [brackets](")
    assert html.count("<blockquote>") <= 8 and "deep" in html and "unclosed" in html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a", True),
        ("http://x.org", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.org/x", False),
        ("https://x.org/\x00a", False),
        ("java\nscript:alert(1)", False),
        ("/relative", False),
        (" https://x.org", False),
        ("vbscript:x", False),
        (None, False),
    ],
)
def test_only_absolute_http_urls_are_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok
    assert ("<a " in ext_link(url)) is ok
    if ok:
        assert 'rel="noopener noreferrer nofollow"' in ext_link(url)


def test_article_page_escapes_metadata_and_has_the_csp() -> None:
    html = article_page(stored(PAYLOADS[0], PAYLOADS[1]), entry(1), None, {}, None)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    body = html.split("</style>", 1)[1]
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in body


def test_relative_links_from_any_depth() -> None:
    assert rel("index.html", "site/all/index.html") == "site/all/index.html"
    assert rel("site/articles/ab/x.html", "index.html") == "../../../index.html"
    assert rel("site/articles/ab/x.html", "site/articles/cd/y.html") == "../cd/y.html"
    assert rel("site/sources/s/p2.html", "site/sources/s/p1.html") == "p1.html"


def test_story_members_share_story_id_and_the_credited_one_is_original() -> None:
    a = entry(1)
    b = entry(2, story_id=a.story_id, original_url="https://www.example.org/1?utm_source=x")
    c = entry(3, story_id=a.story_id)
    stories = stories_from_index([c, b, a, entry(4)])
    assert list(stories) == [a.story_id]
    assert stories[a.story_id].original == a.id
    assert stories[a.story_id].members == (a.id, b.id, c.id)
    broken = entry(6, story_id="s1", original_url="http://[::1")
    uncredited = stories_from_index([entry(5, story_id="s1"), broken])
    assert uncredited["s1"].original is None


def test_lists_keep_old_pages_stable_as_new_items_arrive() -> None:
    def jobs(count: int) -> dict[str, str]:
        rows = [row_of(entry(n)) for n in range(count)]
        return {j.path: j.key for j in listing_jobs(Listing("site/all/", "All", rows))}

    before, after = jobs(2 * PER_PAGE + 50), jobs(2 * PER_PAGE + 53)
    assert set(before) == {f"site/all/{n}.html" for n in ("index", "p1", "p2", "p3", "pages")}
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"site/all/index.html", "site/all/p3.html", "site/all/pages.html"}
    assert jobs(PER_PAGE).keys() == {"site/all/index.html"}


def test_the_index_shows_the_newest_page_and_the_one_before_when_short() -> None:
    rows = [row_of(entry(n)) for n in range(PER_PAGE + 5)]
    index = next(iter(listing_jobs(Listing("site/all/", "All", rows)))).render()
    assert index is not None
    assert index.count("<li>") == PER_PAGE + 5 and "Older" not in index
    rows = [row_of(entry(n)) for n in range(3 * PER_PAGE)]
    index = next(iter(listing_jobs(Listing("site/all/", "All", rows)))).render()
    assert index is not None and index.count("<li>") == PER_PAGE
    assert 'href="p2.html">Older' in index


def test_diff_highlights_changes_and_cuts_long_unchanged_runs() -> None:
    old = " ".join(f"w{n}" for n in range(300))
    new = old.replace("w150", "<b>CHANGED</b>")
    html = diff_html(word_diff(old, new))
    assert "<del>w150 </del>" in html and "<ins>&lt;b&gt;CHANGED&lt;/b&gt; </ins>" in html
    assert html.count("[…]") == 2 and "w10 " not in html and "w149" in html


def test_history_page_lists_every_version_and_diffs_major_ones() -> None:
    article = stored("Title", "text", versions=2)
    versions = [
        StoredVersion(number, T0, "Title", (), None, None, text, text, None, minor, None)
        for number, text, minor in (
            (1, "one two three", False),
            (2, "one  two three", True),
            (3, "one two four", False),
        )
    ]
    html = history_page(article, entry(1), versions)
    assert 'id="v3"' in html and 'id="v1"' in html and 'id="v2"' not in html
    assert "<del>three</del>" in html and "<ins>four</ins>" in html
    assert "Changes since version 1" in html


def test_paths_are_tame_whatever_the_ids() -> None:
    for key in ("../../etc/passwd", "a/b", "ÄÖ", "x" * 300, "con"):
        for path in (paths.article(key), paths.story(key), paths.history(key)):
            assert re.fullmatch(r"site/[a-z]+/[0-9a-z_-]{1,2}/[0-9a-z_-]+\.html", path), path
    assert paths.source("Le_Monde.fr") != paths.source("le-monde-fr")


def test_a_date_is_shown_as_precisely_as_the_page_gave_it_in_its_own_offset() -> None:
    assert published_label(datetime(2026, 5, 21, tzinfo=UTC)) == "2026-05-21"  # no time given
    assert published_label(datetime(2026, 5, 21, 14, 3, tzinfo=UTC)) == "2026-05-21 14:03 UTC"
    assert published_label(datetime(2026, 5, 21, 14, 3)) == "2026-05-21 14:03 UTC"
    paris = timezone(timedelta(hours=2))
    assert published_label(datetime(2026, 5, 21, 16, 3, tzinfo=paris)) == "2026-05-21 16:03 +02:00"
    newfoundland = timezone(-timedelta(hours=3, minutes=30))
    late = datetime(2026, 5, 21, 23, 30, tzinfo=newfoundland)
    assert published_label(late) == "2026-05-21 23:30 -03:30"
    assert entry(1, published=late).day == "2026-05-21"  # the readers' day, not UTC's 22nd
    assert published_label(None) == "–"


def test_lists_run_by_publication_date_newest_first_with_the_archive_date_beside() -> None:
    # archived 0, 1, 2 in that order, but published 2, 0, 1
    entries = [
        entry(0, published=T0 + timedelta(days=1), first_seen=T0 + timedelta(days=3)),
        entry(1, published=T0 + timedelta(days=2), first_seen=T0 + timedelta(days=4)),
        entry(2, published=T0, first_seen=T0 + timedelta(days=5)),
    ]
    rows = [row_of(e) for e in by_published(entries)]
    index = next(iter(listing_jobs(Listing("site/all/", "All", rows)))).render()
    assert index is not None and "newest published first" in index
    titles = re.findall(r">(Article \d)</a>", index)
    assert titles == ["Article 1", "Article 0", "Article 2"]
    assert "2026-03-03 12:00 UTC</span><a" in index  # Article 1's publication date first
    assert 'class="small archived">archived 2026-03-05 12:00 UTC' in index


def test_lists_mark_the_original_and_link_each_copy_to_its_comparison() -> None:
    original, copy, other = entry(1), entry(2, story_id=f"{1:016x}"), entry(3)
    story = Story(original.story_id, (original.id, copy.id), original.id, "credited")
    rows = [row_of(original, story), row_of(copy, story), row_of(other)]
    html = render_rows(paths.ALL + "index.html", rows)
    assert f'href="../story/01/{original.id}.html" class="badge orig">original</a>' in html
    assert f'href="../compare/02/{copy.id}.html" class="badge copy">copy: compare</a>' in html
    assert html.count("badge") == 2  # the article outside any story is not marked
    unknown = Story("s2", (other.id, original.id), None)  # no original known: to the story
    html = render_rows(paths.ALL + "index.html", [row_of(other, unknown)])
    assert 'href="../story/s2/s2.html" class="badge">one of several copies</a>' in html


def test_the_search_index_folds_words_and_lists_where_each_occurs() -> None:
    assert words("Café CAFÉ naïve Ærø 2026 x_y") == {"cafe", "naive", "ærø", "2026", "x", "y"}
    assert fold("Ḱ") == "k" and words("東京の天気 Tōkyōタワー") == {
        "東",
        "京",
        "の",
        "天",
        "気",
        "tokyo",
        "タ",
        "ワ",
        "ー",
    }
    assert words("e\u0301te\u0301 İstanbul ½") == {"ete", "istanbul", "1", "2"}  # as search.js
    documents = [("Alpha", "beta"), ("", ""), ("", "Beta gamma"), ("beta", "")]
    script = terms_script(2000, documents)
    assert script.startswith("SCRAPER_SEARCH.shards.push(") and script.endswith(");\n")
    shard = json.loads(script.removeprefix("SCRAPER_SEARCH.shards.push(").removesuffix(");\n"))
    assert shard["base"] == 2000
    assert shard["terms"] == [".alpha", ".beta", "alpha", "beta", "gamma"]  # "." : in a title
    assert shard["postings"] == ["0", "3", "0", "021", "2"]  # gaps: beta is in 0, 2 and 3
    # sorted as JavaScript compares strings, by UTF-16 code unit: U+FA0E (a CJK ideograph)
    # after U+20000 (one beyond the BMP, whose first code unit is a surrogate, U+D840)
    astral = terms_script(0, [("", "\ufa0e \U00020000")])
    assert json.loads(astral[27:-3])["terms"] == ["\U00020000", "\ufa0e"]
    # 5 bits a character; from the 33rd ("w") one carries 5 more bits before the next
    assert encode_postings([0, 31, 32, 1055]) == "0v1_v"  # gaps 0, 31, 1 and 1023: 31 * 32 + 31
    assert encode_postings([40]) == "x8"  # 1 * 32 + 8


def test_a_story_states_the_rule_that_chose_its_original_and_each_members_link() -> None:
    a, b, c = entry(1, source="wire"), entry(2, source="daily"), entry(3, source="weekly")
    links = [
        Link(b.id, a.id, "excerpt", directed=True),
        Link(c.id, b.id, "edited"),
    ]
    story = describe("s", [c, b, a], OriginalChoice(a.id, "contains"), links)
    assert story.members == (a.id, b.id, c.id) and story.original == a.id
    assert story.reason == "its text contains the others' (the copy at daily is an excerpt of it)"
    assert story.relation(b.id) == "an excerpt of the original"
    assert story.relation(c.id) == "an edited copy of the copy at daily"  # no link to a
    assert story.role(a.id) == "original" and story.role(c.id) == "copy"

    tie = OriginalChoice(a.id, "earliest date", tie=True, tied=(a.id, b.id))
    dated = describe("s", [a, b], tie, [Link(a.id, b.id, "exact")])
    assert dated.reason == (
        "it was published first (2026-03-01 13:00 UTC); tied with the copy at daily, "
        "it was taken as the first by its id"
    )
    assert dated.relation(b.id) == "the same text as the original"
    credited = describe(
        "s",
        [a, b, c],
        OriginalChoice(a.id, "credited"),
        [
            Link(b.id, a.id, "credit", directed=True),
            Link(c.id, a.id, "credit", directed=True),
            Link(c.id, a.id, "full"),
        ],
    )
    assert credited.reason == "the copies at daily and weekly credit it as their source"
    assert credited.relation(c.id) == (
        "credits the original as its source; "
        "the whole text of the original, with its own header or footer"
    )


def test_the_index_lists_each_word_where_a_plain_reading_finds_it() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(60)] + ["ça", "日本"]
    documents = [
        (
            " ".join(rng.sample(vocabulary, 2)),
            " ".join(rng.choices(vocabulary, k=rng.randint(0, 30))),
        )
        for _ in range(1500)
    ]
    shard = json.loads(terms_script(0, documents)[27:-3])

    def gaps(numbers: list[int]) -> str:  # 5 bits a character, the high ones first
        out = ""
        for gap in (b - a for a, b in zip([0, *numbers], numbers, strict=False)):
            chars = ALPHABET[gap & 31]
            while gap := gap >> 5:
                chars = ALPHABET[32 + (gap & 31)] + chars
            out += chars
        return out

    expected = {}
    for number, (title, text) in enumerate(documents):
        for word in words(title) | words(text):
            expected.setdefault(word, []).append(number)
        for word in words(title):
            expected.setdefault("." + word, []).append(number)
    assert shard["terms"] == sorted(expected, key=lambda t: t.encode("utf-16-be"))
    assert shard["postings"] == [gaps(expected[t]) for t in shard["terms"]]

"""Credits to an original: attribution lines in several languages, their links, and canonicals."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import lxml.html
import pytest

from scraper.extract import extract_article
from scraper.extract.attribution import (
    CREDIT_PATTERNS,
    canonical_credit,
    find_credits,
    site_key,
)
from tests.corpus import load_pages, require_corpus

PAGE = "https://republisher.example.org/2020/01/02/some-story/"

# (language, credit line as HTML, source expected, URL expected). To support a new phrasing, add
# its pattern to the language's table (scraper/extract/languages/) and one example here: every pattern must match one example.
EXAMPLES = [
    (
        "en",
        'The original source of this article is <a href="https://www.globalresearch.ca/a/1">'
        "Global Research</a>",
        "Global Research",
        "https://www.globalresearch.ca/a/1",
    ),
    (
        "en",
        'This article was originally published on <a href="https://theconversation.com/x-1">'
        "The Conversation</a>. Read the original article.",
        "The Conversation",
        "https://theconversation.com/x-1",
    ),
    (
        "en",
        'This story first appeared in <a href="https://grist.org/a/b">Grist</a>.',
        "Grist",
        "https://grist.org/a/b",
    ),
    (
        "en",
        'Originally published at <a href="https://blog.example.net/post">Example Blog</a>',
        "Example Blog",
        "https://blog.example.net/post",
    ),
    ("en", "First published by The Baffler on 3 March 2019.", "The Baffler", None),
    (
        "en",
        'Republished with permission from <a href="https://www.propublica.org/article/y">'
        "ProPublica</a>.",
        "ProPublica",
        "https://www.propublica.org/article/y",
    ),
    ("en", "This article has been adapted from its original source.", None, None),
    (
        "en",
        'Provided by <a href="https://www.esa.int/x">European Space Agency</a>',
        "European Space Agency",
        "https://www.esa.int/x",
    ),
    (
        "fr",
        'La source originale de cet article est <a href="https://www.moonofalabama.org/2016/05/'
        'a.html">Moon of Alabama</a>',
        "Moon of Alabama",
        "https://www.moonofalabama.org/2016/05/a.html",
    ),
    (
        "fr",
        'Cet article a été publié initialement par <a href="https://www.lemonde.fr/a/b">'
        "Le Monde</a>.",
        "Le Monde",
        "https://www.lemonde.fr/a/b",
    ),
    ("fr", "Article publié initialement sur Orient XXI", "Orient XXI", None),
    (
        "fr",
        'Source originale : <a href="https://orientxxi.info/x">Orient XXI</a>',
        "Orient XXI",
        "https://orientxxi.info/x",
    ),
    (
        "de",
        'Dieser Artikel erschien zuerst bei <a href="https://taz.de/!5000/">taz</a>.',
        "taz",
        "https://taz.de/!5000/",
    ),
    ("de", "Zuerst erschienen auf Telepolis.", "Telepolis", None),
    (
        "de",
        'Erstveröffentlichung: <a href="https://www.heise.de/tp/1">Telepolis</a>',
        "Telepolis",
        "https://www.heise.de/tp/1",
    ),
    (
        "es",
        'Publicado originalmente en <a href="https://elpais.com/a/b.html">El País</a>',
        "El País",
        "https://elpais.com/a/b.html",
    ),
    ("es", "Este artículo fue publicado originalmente en eldiario.es", "eldiario.es", None),
    (
        "es",
        'La fuente original de este artículo es <a href="https://www.rebelion.org/x">Rebelión</a>',
        "Rebelión",
        "https://www.rebelion.org/x",
    ),
    ("es", "Fuente original: Rebelión", "Rebelión", None),
    ("it", "Pubblicato originariamente su Internazionale", "Internazionale", None),
    ("pt", "Publicado originalmente no Outras Palavras", "Outras Palavras", None),
]


def _page(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<html><body><article><p>Text.</p>{body}</article></body></html>"
    )


@pytest.mark.parametrize(("language", "line", "source", "url"), EXAMPLES)
def test_finds_credit_lines_in_several_languages(
    language: str, line: str, source: str | None, url: str | None
) -> None:
    credits = find_credits(_page(f"<p>{line}</p>"), PAGE)
    assert len(credits) == 1, language
    assert credits[0].source == source
    assert credits[0].url == url
    assert credits[0].line == " ".join(
        lxml.html.fromstring(f"<p>{line}</p>").text_content().split()
    )


def _all_examples() -> list[str]:
    """The lines above, and those of each language's own tests (tests/test_language_*.py)."""
    lines = [line for _, line, _, _ in EXAMPLES]
    for path in sorted(Path(__file__).parent.glob("test_language_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        lines.extend(line for line, _, _ in getattr(module, "CREDIT_EXAMPLES", ()))
    return lines


def test_every_pattern_has_an_example() -> None:
    lines = [lxml.html.fromstring(f"<p>{line}</p>").text_content() for line in _all_examples()]
    for language, pattern in CREDIT_PATTERNS:
        regex = re.compile(pattern, re.I)
        assert any(regex.search(line) for line in lines), (language, pattern)


def test_a_date_is_not_a_credited_source() -> None:
    page = _page("<p>First published on November 19, 2019 / 8:16 AM</p>")
    assert find_credits(page, PAGE) == []


def test_a_reprint_elsewhere_is_not_an_original() -> None:
    page = _page(
        '<p>This article was reprinted on <a href="https://www.wired.com/x">Wired.com</a>.</p>'
    )
    assert find_credits(page, PAGE) == []


def test_a_page_crediting_its_own_site_credits_nothing() -> None:
    page = _page(
        '<p>Originally published on Live Science. <a href="https://shop.example/x">'
        "Subscribe</a></p>"
    )
    assert find_credits(page, "https://www.livescience.com/x.html", ["Live Science"]) == []


def test_prefers_the_link_to_the_original_article_over_the_homepage() -> None:
    page = _page(
        '<p><strong>This article was originally published by <a href="https://futurism.com/">'
        'Futurism</a>. Read the <a href="https://futurism.com/water-europa">original article</a>.'
        "</strong></p>"
    )
    [credit] = find_credits(page, PAGE)
    assert credit.source == "Futurism"
    assert credit.url == "https://futurism.com/water-europa"


def test_takes_the_link_that_follows_a_line_without_one() -> None:
    page = _page(
        "<div><p><em>This article has been adapted from its original source.</em></p></div>"
        '<section><a href="https://www.alaraby.co.uk/english"><img title="TheNewArab"></a></section>'
    )
    [credit] = find_credits(page, PAGE)
    assert credit.url == "https://www.alaraby.co.uk/english"
    assert credit.source == "TheNewArab"


def test_ignores_links_back_to_the_page_s_own_site() -> None:
    page = _page(
        '<p>Provided by <a href="https://republisher.example.org/partners/esa">ESA</a> '
        '<a href="https://www.esa.int/">site</a></p>'
    )
    [credit] = find_credits(page, PAGE)
    assert credit.url == "https://www.esa.int/"


def test_a_cross_domain_canonical_is_a_credit_and_a_same_domain_one_is_not() -> None:
    credit = canonical_credit("https://www.nytimes.com/2019/a.html", PAGE)
    assert credit is not None and credit.url == "https://www.nytimes.com/2019/a.html"
    assert canonical_credit("https://m.example.org/2020/01/02/some-story/", PAGE) is None
    assert canonical_credit("https://www.nytimes.com/2019/a.html", None) is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://edition.cnn.com/x", "cnn.com"),
        ("http://localhost/x", "localhost"),
        (None, None),
    ],
)
def test_site_key_is_the_registrable_domain(url: str | None, key: str | None) -> None:
    assert site_key(url) == key


@pytest.mark.parametrize(("where", "in_text"), [("article", True), ("aside", False)])
def test_a_credit_is_the_articles_only_when_its_line_is_in_the_body(
    where: str, in_text: bool
) -> None:
    require_corpus()
    page = next(p for p in load_pages(40) if len(p.body.split("\n")) >= 6)
    text = "".join(f"<p>{p}</p>" for p in page.body.split("\n") if p.strip())
    link = '<a href="https://agency.example/wire/2026/desk-report">Agency Wire</a>'
    credit = f"<p>This story was first published by {link}</p>"
    article, aside = (text + credit, "") if where == "article" else (text, credit)
    html = (
        f"<html><head><title>T</title></head><body><main><article>{article}</article>"
        f"<aside class='sidebar'><h3>Partners</h3>{aside}</aside></main></body></html>"
    )
    extracted = extract_article(html, PAGE)
    assert extracted.original_url == "https://agency.example/wire/2026/desk-report"
    assert extracted.credit_in_text is in_text
    assert "first published by" not in extracted.text  # a credit line is metadata either way


def test_the_articles_own_credit_outranks_a_sidebar_credit_before_it() -> None:
    require_corpus()
    page = next(p for p in load_pages(40) if len(p.body.split("\n")) >= 6)
    text = "".join(f"<p>{p}</p>" for p in page.body.split("\n") if p.strip())
    sidebar = '<p>Provided by <a href="https://agency.example/wire/2026/desk">Agency Wire</a></p>'
    own = '<a href="https://origin.example/2026/11/the-story.html">The Origin</a>'
    html = (
        f"<html><head><title>T</title></head><body><aside class='sidebar'>{sidebar}</aside>"
        f"<main><article>{text}<p>Originally published at {own}</p></article></main>"
        "</body></html>"
    )
    extracted = extract_article(html, PAGE)
    assert extracted.original_url == "https://origin.example/2026/11/the-story.html"
    assert extracted.original_source == "The Origin" and extracted.credit_in_text

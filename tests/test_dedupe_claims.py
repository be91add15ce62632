"""Claims (credits, canonicals) join stories only where the texts or the article's own credit
line back them, and a claim a site's pages repeat is its template's, even after the fact."""

from __future__ import annotations

import pytest

from bench.synth import excerpt, load_bodies, paragraphs, translate
from scraper.urls import normalize_url
from tests.test_dedupe_engine import TRUTH, Archive, page


@pytest.fixture(scope="module")
def articles() -> list[str]:
    if not TRUTH.is_file():
        pytest.skip(f"shared corpus not present: {TRUTH}")
    bodies = load_bodies(TRUTH)
    return [t for _, t in bodies if 300 <= len(t.split()) <= 1200 and len(paragraphs(t)) >= 6]


def test_a_template_canonical_shared_by_a_sites_pages_joins_none_of_them(
    articles: list[str],
) -> None:
    fixed = "https://cms.example/2019/01/welcome"
    pages = [
        page(f"https://cms.example/news/{i}", articles[i], i, canonical_url=fixed) for i in range(4)
    ]
    archive = Archive()
    archive.archive(page(fixed, articles[9], -1), *pages)
    for doc in pages:
        assert archive.story(doc) == {doc.id}


def test_a_sidebar_credit_names_no_original_without_the_texts(articles: list[str]) -> None:
    sidebar = page("https://blog.example/a", articles[0], credited_url="https://agency.example/x")
    archive = Archive()
    (placed,) = archive.archive(sidebar)
    assert placed.credit is None
    assert placed.refers == ((normalize_url("https://agency.example/x"), "page credit"),)
    agency = page("https://agency.example/x", articles[1], -1)
    (placed,) = archive.archive(agency)
    assert archive.story(sidebar) == {sidebar.id} and placed.members == (agency.id,)


def test_a_sidebar_credit_backed_by_the_texts_names_the_original(articles: list[str]) -> None:
    original = page("https://agency.example/y", articles[2], 1)  # dated after the copy
    copy = page("https://blog.example/y", articles[2], 0, credited_url=original.url)
    archive = Archive()
    _, placed = archive.archive(copy, original)
    assert placed.original.id == original.id and placed.original.reason == "credited"


@pytest.mark.parametrize("archived", [True, False])
def test_a_text_credit_repeated_by_a_third_article_of_the_site_is_undone(
    articles: list[str], archived: bool
) -> None:
    wire = page("https://wire.example/agency-desk", articles[5], -1)
    boiler = {"credited_url": wire.url, "credit_in_text": True}
    portal = [
        page(f"https://portal.example/{i}", translate(articles[6 + i], 1), i, **boiler)
        for i in range(3)
    ]
    archive = Archive()
    if archived:
        archive.archive(wire)
    (placed,) = archive.archive(portal[0])
    assert len(placed.members) == (2 if archived else 1)  # one page: it may be a translation
    assert placed.credit == (None if archived else wire.url)
    archive.archive(portal[1])  # two pages may still be two translations of one article
    (placed,) = archive.archive(portal[2])
    assert placed.members == (portal[2].id,) and placed.credit is None
    for doc in portal:
        assert archive.story(doc) == {doc.id}
        assert archive.book.claims(doc.id) == []
    if archived:
        assert archive.story(wire) == {wire.id}
        assert archive.book.original(wire.id).reason == "alone"  # type: ignore[union-attr]


def test_two_translations_of_one_article_on_one_site_both_join_it(articles: list[str]) -> None:
    source = page("https://source.example/news/two", articles[4], 0)
    credit = {"credited_url": source.url, "credit_in_text": True}
    german = page("https://translations.example/de/two", translate(articles[4], 1), 1, **credit)
    french = page("https://translations.example/fr/two", translate(articles[4], 2), 2, **credit)
    archive = Archive()
    archive.archive(german, french, source)
    assert archive.story(source) == {source.id, german.id, french.id}


def test_a_credited_translation_still_joins_when_another_site_credits_the_same_page(
    articles: list[str],
) -> None:
    source = page("https://source.example/news/t", articles[8], 0)
    credit = {"credited_url": source.url, "credit_in_text": True}
    one = page("https://one.example/t", translate(articles[8], 1), 1, **credit)
    two = page("https://two.example/t", translate(articles[8], 2), 2, **credit)
    archive = Archive()
    archive.archive(one, two, source)
    assert archive.story(source) == {source.id, one.id, two.id}


def test_a_copy_and_an_excerpt_on_one_site_crediting_the_same_page_keep_the_credit(
    articles: list[str],
) -> None:
    original = page("https://source.example/news/q", articles[3], 2)  # dated after its copies
    credit = {"credited_url": original.url, "credit_in_text": True}
    copy = page("https://aggregator.example/full/q", articles[3], 0, **credit)
    teaser = page("https://aggregator.example/brief/q", excerpt(articles[3], 0.3), 1, **credit)
    archive = Archive()
    *_, placed = archive.archive(copy, teaser, original)
    assert set(placed.members) == {original.id, copy.id, teaser.id}
    assert placed.original.id == original.id and placed.original.reason == "credited"

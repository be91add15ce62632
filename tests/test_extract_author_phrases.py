"""Author rules for the texts and markup beside a byline that name no one: a sentence opened
by 'By', a phrase of lower-case words, a list of customer reviews."""

from __future__ import annotations

import pytest

from scraper.extract.authors import clean_authors
from scraper.extract.metadata import extract_metadata

URL = "https://shop.example.org/products/a-thing"


def _authors(body: str, lang: str = "en") -> tuple[str, ...]:
    html = (
        f'<html lang="{lang}"><head><title>A thing</title></head><body><main>'
        f"<h1>A thing worth having</h1>{body}<p>The text of the page.</p></main></body></html>"
    )
    return extract_metadata(html, URL).authors


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("<p>By default, items only show up if they satisfy all criteria.</p>", "en"),
        ("<p>By submitting, I agree to Zendesk's Privacy Notice.</p>", "en"),
        ("<p>by using one of the below commands. Be sure to follow the steps.</p>", "en"),
        ("<p>Par défaut, les articles restent cachés pendant une semaine.</p>", "fr"),
        ("<p>Von vornherein, Ware wird nicht versendet.</p>", "de"),
    ],
)
def test_a_lead_opening_a_sentence_names_no_one(body: str, lang: str) -> None:
    assert _authors(body, lang) == ()


@pytest.mark.parametrize(
    "raw", ["Get in touch", "Be sure to", "I agree to the Privacy Notice", "Bitte hier klicken"]
)
def test_a_phrase_of_lower_case_words_is_no_name_in_the_page_s_text(raw: str) -> None:
    assert clean_authors([raw]) == ()


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jan van der Berg", ("Jan van der Berg",)),
        ("Por María de la Cruz", ("María de la Cruz",)),
        ("Dieter Hogen with Uta Pippig", ("Dieter Hogen with Uta Pippig",)),
        ("Par Moon of Alabama", ("Moon of Alabama",)),
        ("Post by galitsyn » 11. Sep 2024, 18:36", ("galitsyn",)),
        ("by hackermondev", ("hackermondev",)),
    ],
)
def test_names_with_particles_or_a_lone_user_name_stay_names(
    raw: str, names: tuple[str, ...]
) -> None:
    assert clean_authors([raw]) == names


def _review(name: str) -> str:
    return (
        '<div itemscope itemtype="https://schema.org/Review"><p>Works well.</p>'
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        f'<span itemprop="name">{name}</span></span></div>'
    )


def test_a_product_s_customer_reviewers_are_not_its_authors() -> None:
    body = f'<div class="reviews">{_review("Martin Vast")}{_review("Ana Ruiz")}</div>'
    assert _authors(body) == ()


def test_a_review_article_s_own_author_is_kept() -> None:
    assert _authors(_review("Martin Vast")) == ("Martin Vast",)

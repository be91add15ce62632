"""Titles on sites never seen: the article's headline, without the site's name glued on."""

from __future__ import annotations

import pytest

from scraper.extract.metadata import extract_metadata


@pytest.mark.parametrize(
    ("headline", "site"),
    [
        ("How to Design a Website: a Complete Guide for 2026", "Clay"),
        ("Wie man eine Website gestaltet", "Webwerk"),
        ("Comment concevoir un site web", "Atelier Web"),
    ],
)
def test_a_site_name_that_is_the_page_s_title_leaves_the_headline(headline: str, site: str) -> None:
    full = f"{headline} | {site}"
    html = (
        f'<html><head><title>{full}</title><meta property="og:title" content="{full}">'
        f'<meta property="og:site_name" content="{full}"></head>'
        f"<body><article><h1>{headline}</h1><p>Body text.</p></article></body></html>"
    )
    meta = extract_metadata(html, "https://example.org/a")
    assert meta.title == headline


def test_the_site_s_name_is_stripped_from_a_metadata_title() -> None:
    html = (
        "<html><head><title>Ein Artikel über Brot – Backstube</title>"
        '<meta property="og:site_name" content="Backstube"></head>'
        "<body><p>Text.</p></body></html>"
    )
    assert extract_metadata(html, "https://backstube.example/a").title == "Ein Artikel über Brot"

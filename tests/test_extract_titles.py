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


@pytest.mark.parametrize(
    ("blog", "post", "lang"),
    [
        ("Engora Data Blog", "Small adventures with small language models", "en"),
        ("Das Datenblog", "Kleine Abenteuer mit kleinen Sprachmodellen", "de"),
    ],
)
def test_an_h1_linking_to_the_home_page_is_the_blog_s_name_not_the_title(
    blog: str, post: str, lang: str
) -> None:
    html = (
        f'<html lang="{lang}"><head><title>{blog}: {post}</title>'
        f'<meta property="og:title" content="{post}"></head><body>'
        f'<div class="header"><h1 class="title"><a href="https://blog.example.com/">{blog}</a></h1>'
        f'</div><div class="post"><h3 class="post-title">{post}</h3><p>Body text.</p></div>'
        "</body></html>"
    )
    meta = extract_metadata(html, "https://blog.example.com/2025/12/post.html")
    assert meta.title == post


def test_a_byline_after_the_blog_s_name_is_still_read_when_the_title_is_elsewhere() -> None:
    html = (
        "<html><head><title>Notes: A post</title>"
        '<meta property="og:title" content="A post about things"></head><body>'
        '<h1><a href="/">Notes</a></h1><p>By Jane Doe</p>'
        "<article><h2>A post about things</h2><p>Body text, and more.</p></article></body></html>"
    )
    meta = extract_metadata(html, "https://notes.example.com/a-post")
    assert meta.title == "A post about things"
    assert meta.authors == ("Jane Doe",)


@pytest.mark.parametrize(
    ("title", "site", "headline"),
    [
        ("Ein Artikel über Brot - Politik - Tagesblick", "Tagesblick", "Ein Artikel über Brot"),
        (
            "Un article sur le pain | Société | Le Quotidien",
            "Le Quotidien",
            "Un article sur le pain",
        ),
        ("Opinion | Why bread matters | The Daily", "The Daily", "Why bread matters"),
        ("Why bread matters - Opinion - The Daily", "The Daily", "Why bread matters"),
        ("Por qué importa el pan » Cocina » El Diario", "El Diario", "Por qué importa el pan"),
        # a dash inside the headline stays
        (
            "Bread and butter - a history of the loaf | The Daily",
            "The Daily",
            "Bread and butter - a history of the loaf",
        ),
    ],
)
def test_a_section_glued_to_a_metadata_title_is_cut(title: str, site: str, headline: str) -> None:
    html = (
        f'<html><head><title>{title}</title><meta property="og:site_name" content="{site}">'
        "</head><body><p>Text.</p></body></html>"
    )
    assert extract_metadata(html, "https://news.example/a").title == headline


def test_a_headline_linking_to_an_unreadable_url_keeps_the_page_s_metadata() -> None:
    """`http://[x` makes URL parsers raise: the link is ignored, not the whole page's metadata."""
    page = (
        "<html><head><title>Rivers rise after the storm | Daily Site</title>"
        '<meta name="author" content="Jane Doe"></head><body>'
        '<h1><a href="http://[x">Rivers rise after the storm</a></h1>'
        "<p>The rivers rose overnight after the storm passed over the valley.</p></body></html>"
    )
    metadata = extract_metadata(page, "https://daily.example/news/rivers")
    assert metadata.title == "Rivers rise after the storm"
    assert metadata.authors == ("Jane Doe",)

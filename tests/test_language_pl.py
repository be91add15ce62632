"""Polish, added as one table (scraper/extract/languages/pl.py): its dates, bylines, credits and
counters are read like every other language's."""

from __future__ import annotations

import lxml.html
import pytest

from scraper.extract.attribution import find_credits
from scraper.extract.authors import clean_authors
from scraper.extract.dates import parse_date
from scraper.extract.languages import LANGUAGES
from scraper.extract.metadata import extract_metadata
from scraper.store.versions import without_noise

# (credit line as HTML, source expected, URL expected): test_attribution checks that every
# language's credit pattern has an example in its tests/test_language_*.py.
CREDIT_EXAMPLES = [
    (
        'Artykuł został pierwotnie opublikowany na <a href="https://oko.press/a/b">OKO.press</a>.',
        "OKO.press",
        "https://oko.press/a/b",
    ),
    ("Źródło oryginalne: Krytyka Polityczna", "Krytyka Polityczna", None),
]


def test_polish_is_one_table_in_the_registry() -> None:
    assert LANGUAGES["pl"].code == "pl"
    assert "oraz" in LANGUAGES["pl"].and_words


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("5 maja 2021", "2021-05-05"),
        ("Opublikowano: 12 października 2023, 14:05", "2023-10-12"),
        ("1 styczeń 2020", "2020-01-01"),
        ("24 grudnia 2019 o 10:30", "2019-12-24"),
    ],
)
def test_polish_dates_are_read(text: str, day: str) -> None:
    parsed = parse_date(text, languages=["pl"])
    assert parsed is not None
    assert parsed.date().isoformat() == day


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["Autor: Jan Kowalski"], ("Jan Kowalski",)),
        (["Jan Kowalski i Anna Nowak"], ("Jan Kowalski", "Anna Nowak")),
        (
            ["Tekst: Jan Kowalski, Anna Nowak oraz Piotr Wiśniewski"],
            ("Jan Kowalski", "Anna Nowak", "Piotr Wiśniewski"),
        ),
        (["Redakcja"], ()),
        (["Jan Kowalski, dziennikarz"], ("Jan Kowalski",)),
        (["Anna Nowak Aktualizacja: 5 maja 2021"], ("Anna Nowak",)),
        (["Jan Kowalski, wtorek, 5 maja 2021"], ("Jan Kowalski",)),
        (["Fot. Anna Nowak"], ()),
    ],
)
def test_polish_bylines_give_the_people(raw: list[str], names: tuple[str, ...]) -> None:
    assert clean_authors(raw) == names


def test_a_polish_article_s_byline_and_date() -> None:
    html = (
        '<html lang="pl"><head><title>Wybory w Krakowie</title></head><body><article>'
        "<h1>Wybory w Krakowie</h1><p>Autor: Jan Kowalski i Anna Nowak</p>"
        "<p>5 maja 2021</p><p>Treść artykułu.</p></article></body></html>"
    )
    meta = extract_metadata(html, "https://wiadomosci.example.pl/wybory")
    assert meta.authors == ("Jan Kowalski", "Anna Nowak")
    assert meta.published is not None and meta.published.date().isoformat() == "2021-05-05"


@pytest.mark.parametrize(("line", "source", "url"), CREDIT_EXAMPLES)
def test_polish_credit_lines_name_the_original(line: str, source: str, url: str | None) -> None:
    page = lxml.html.document_fromstring(f"<html><body><p>Tekst.</p><p>{line}</p></body></html>")
    credits = find_credits(page, "https://przedruk.example.pl/a")
    assert [(c.source, c.url) for c in credits] == [(source, url)]


def test_polish_counters_and_relative_stamps_are_noise() -> None:
    assert without_noise("Tekst 1 234 wyświetleń, 5 minut temu") == "Tekst ,"

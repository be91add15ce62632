"""Rules that read the page region holding the article: sections a cut lost are put back."""

from __future__ import annotations

import pytest

from bench import wcxb
from scraper.extract.body import extract_body

needs_wcxb = pytest.mark.skipif(not wcxb.available(), reason=f"corpus not found: {wcxb.CORPUS}")

# No <article>, <main> or "post"/"content" class: trafilatura's main pass finds no container and
# its recovery keeps loose paragraphs only, dropping the headings and lists between them.
SECTIONS = {
    "en": (
        [
            "Choosing accounting software is one of the first decisions a freelancer makes, and "
            "it shapes how much time the paperwork takes every single month of the year.",
            "QuickBooks has been around for decades and most accountants already know it well, "
            "which makes handing over the books at tax time a painless affair for everyone.",
            "Wave costs nothing for its core features, which makes it a good start for anyone "
            "whose business is still small and whose invoices are still few and simple.",
        ],
        "Features of QuickBooks",
        [
            "Invoicing customization: invoices that carry your brand and your own terms",
            "Expense tracking: every receipt sorted into the right category automatically",
            "Tax calculations: quarterly estimates prepared from the year's income so far",
        ],
    ),
    "de": (
        [
            "Die Wahl der Buchhaltungssoftware ist eine der ersten Entscheidungen, die Selbstständige "
            "treffen, und sie bestimmt, wie viel Zeit der Papierkram jeden Monat kostet.",
            "Das erste Programm gibt es seit Jahrzehnten, und die meisten Steuerberater kennen es gut, "
            "was die Übergabe der Bücher am Jahresende für alle Beteiligten erleichtert.",
            "Das zweite Programm kostet für die Grundfunktionen nichts und eignet sich deshalb für "
            "alle, deren Geschäft noch klein ist und deren Rechnungen noch einfach sind.",
        ],
        "Funktionen im Überblick",
        [
            "Rechnungen mit eigenem Logo und eigenen Zahlungsbedingungen gestalten",
            "Ausgaben automatisch der richtigen Kategorie zuordnen lassen",
            "Vierteljährliche Steuervorauszahlungen aus den bisherigen Einnahmen berechnen",
        ],
    ),
}


def _page(paragraphs: list[str], heading: str, items: list[str]) -> str:
    listing = "".join(
        f"<li><strong>{i.split(':')[0]}</strong>{i[len(i.split(':')[0]) :]}</li>" for i in items
    )
    return f"""<html><head><title>Software</title></head><body>
    <div class="top"><a href="/">Home</a> <a href="/blog">Blog</a></div>
    <section class="s1"><div class="wrap"><div class="rich">
    <p>{paragraphs[0]}</p><h2>{heading}</h2><p>{paragraphs[1]}</p>
    <ul>{listing}</ul><h2>{heading} 2</h2><p>{paragraphs[2]}</p>
    </div></div></section>
    <footer><p>Made with care in a small town by a small team of four.</p></footer>
    </body></html>"""


@pytest.mark.parametrize("language", sorted(SECTIONS))
def test_headings_and_lists_between_paragraphs_are_kept_when_no_container_is_marked(
    language: str,
) -> None:
    paragraphs, heading, items = SECTIONS[language]
    text = extract_body(_page(paragraphs, heading, items), "https://example.com/a").text
    order = [paragraphs[0], heading, paragraphs[1], *items, f"{heading} 2", paragraphs[2]]
    assert [text.find(part) for part in order] == sorted(text.find(part) for part in order)
    assert all(part in text for part in order)
    assert "Made with care" not in text and "Home" not in text


ANNOUNCED = {
    "en": (
        "The report lists the principles every set of accounts must follow, and auditors check "
        "each of them before they sign. These are the principles:",
        ["Regularity: conformity to the rules", "Sincerity: the accounts show what happened"],
        "Each principle is applied the same way from one period to the next, auditors say.",
    ),
    "pl": (
        "Raport wymienia zasady, których musi przestrzegać każde sprawozdanie finansowe, a "
        "biegli rewidenci sprawdzają je przed podpisaniem. Oto te zasady:",
        ["Prawidłowość: zgodność z przepisami", "Rzetelność: zapisy oddają rzeczywistość"],
        "Każda zasada jest stosowana tak samo z okresu na okres, podkreślają biegli rewidenci.",
    ),
}


@pytest.mark.parametrize("language", sorted(ANNOUNCED))
def test_a_list_a_paragraph_announces_with_a_colon_is_kept(language: str) -> None:
    intro, items, after = ANNOUNCED[language]
    filler = " ".join([after] * 3)
    listing = "".join(f"<li><b>{i.split(':')[0]}:</b>{i.split(':')[1]}</li>" for i in items)
    html = f"""<html><head><title>Principles</title></head><body>
    <section class="s1"><div class="wrap"><div class="rich">
    <p>{filler}</p><p>{intro}</p><ul>{listing}</ul></div></div></section>
    <section class="s2"><div class="wrap"><div class="rich"><p>{after} {filler}</p></div></div>
    </section></body></html>"""
    text = extract_body(html, "https://example.com/principles").text
    assert f"{intro}\n\n{items[0]}\n{items[1]}" in text


def test_a_list_of_links_after_a_colon_is_still_navigation() -> None:
    intro, _, after = ANNOUNCED["en"]
    links = "".join(f'<li><a href="/p/{i}">Another story number {i}</a></li>' for i in range(4))
    html = f"""<html><head><title>Principles</title></head><body><div class="x">
    <p>{after} {after}</p><p>{intro}</p><ul>{links}</ul><p>{after} {after} {after}</p>
    </div></body></html>"""
    assert "Another story" not in extract_body(html, "https://example.com/principles").text


@needs_wcxb
def test_sections_put_back_do_not_repeat_blocks_already_kept() -> None:
    # a health page whose references follow the sections trafilatura's recovery dropped
    page = next(p for p in wcxb.pages(kind=None, half="tune") if p.id == "0348")
    blocks = extract_body(page.html(), page.url).text.split("\n\n")
    assert "What are meditation and mindfulness?" in blocks
    assert len(blocks) == len(set(blocks))

"""Confirming candidates on real article bodies: each kind of copy, and each hard negative."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.synth import (
    edit,
    excerpt,
    load_bodies,
    make_sites,
    paragraphs,
    press_release,
    translate,
)
from scraper.dedupe.compare import Verdict, classify, overlap
from scraper.dedupe.text import fingerprint

TRUTH = (
    Path(__file__).resolve().parents[2]
    / "shared/corpora/article-extraction-benchmark/ground-truth.json"
)


@pytest.fixture(scope="module")
def articles() -> list[str]:
    """Real English bodies of 300 to 1,200 words with several paragraphs."""
    if not TRUTH.is_file():
        pytest.skip(f"shared corpus not present: {TRUTH}")
    texts = [text for _, text in load_bodies(TRUTH)]
    return [
        t
        for t in texts
        if 300 <= len(t.split()) <= 1200 and t.isascii() and len(paragraphs(t)) >= 6
    ][:12]


def verdict(a: str, b: str) -> Verdict | None:
    found = classify(overlap(fingerprint(a), fingerprint(b)))
    again = classify(overlap(fingerprint(b), fingerprint(a)))  # the same either way round
    assert (found is None) == (again is None)
    if found and again:
        assert found.kind == again.kind and found.a_in_b != again.a_in_b or found.kind != "excerpt"
    return found


def templated(text: str, seed: int, credit: str | None = None) -> str:
    site = make_sites(random.Random(seed))[seed % 14]
    return "\n\n".join(site.header + [text] + ([credit] if credit else []) + site.footer)


def test_the_same_text_is_an_exact_copy(articles: list[str]) -> None:
    for text in articles:
        found = verdict(text, text.upper().replace(", ", " ").replace("’", "'"))
        assert found is not None and found.kind == "exact"


def test_a_copy_in_another_sites_template_with_a_credit_line_is_full(
    articles: list[str],
) -> None:
    for i, text in enumerate(articles):
        copy = templated(text, i, "The original source of this article is Example News.")
        found = verdict(copy, text)
        assert found is not None and found.kind == "full"


@pytest.mark.parametrize("fraction", [0.15, 0.3, 0.5])
def test_an_excerpt_ending_in_read_more_is_an_excerpt_of_its_article(
    articles: list[str], fraction: float
) -> None:
    for text in articles:
        teaser = excerpt(text, fraction) + "\n\nRead more"
        found = verdict(teaser, text)
        assert found == Verdict("excerpt", a_in_b=True)


def test_an_excerpt_inside_a_template_is_still_an_excerpt(articles: list[str]) -> None:
    for i, text in enumerate(articles):
        teaser = templated(excerpt(text, 0.2) + "\n\nContinue reading...", i)
        found = verdict(teaser, text)
        assert found == Verdict("excerpt", a_in_b=True)


def test_a_retitled_copy_with_sentences_changed_added_and_removed_is_edited(
    articles: list[str],
) -> None:
    rng = random.Random(5)
    for text in articles:
        found = verdict(edit(rng, text), text)
        assert found is not None and found.kind == "edited"


def test_a_translation_shares_no_text_with_its_original(articles: list[str]) -> None:
    for i, text in enumerate(articles):
        assert verdict(translate(text, i), text) is None


def test_an_article_quoting_a_long_paragraph_of_another_stays_apart(articles: list[str]) -> None:
    for source, other in zip(articles, articles[1:] + articles[:1], strict=True):
        quote = max(paragraphs(source), key=len)
        paras = paragraphs(other)
        paras.insert(len(paras) // 2, f"“{quote}”, the minister said.")
        quoting = "\n\n".join(paras)
        assert verdict(quoting, source) is None
        assert verdict(excerpt(source, 0.15) + "\n\nRead more", quoting) is None


def test_a_short_article_quoting_the_lead_of_another_stays_apart(articles: list[str]) -> None:
    for source, other in zip(articles, articles[1:] + articles[:1], strict=True):
        lead = paragraphs(source)[0]
        own = " ".join(other.split()[: max(45, len(lead.split()))])
        quoting = f"{own}\n\n“{lead}”, the report said.\n\nThe council will meet again in May."
        assert verdict(quoting, source) is None


def test_two_articles_sharing_a_press_release_paragraph_stay_apart(articles: list[str]) -> None:
    rng = random.Random(3)
    for n, (a, b) in enumerate(zip(articles[::2], articles[1::2], strict=True)):
        release = press_release(rng, n)
        with_a, with_b = paragraphs(a), paragraphs(b)
        with_a.insert(len(with_a) // 2, release)
        with_b.append(release)
        assert verdict("\n\n".join(with_a), "\n\n".join(with_b)) is None


def test_wire_boilerplate_does_not_join_articles(articles: list[str]) -> None:
    tags = [
        "Reuters contributed to this report.",
        "This story has been updated with additional details from the statement and comments "
        "from analysts.",
        "Copyright 2024 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
    ]
    for a, b in zip(articles, articles[1:], strict=False):
        for tag in tags:
            assert verdict(f"{a}\n\n{tag}", f"{b}\n\n{tag}") is None


def test_two_pages_of_one_site_sharing_a_large_template_are_not_copies(
    articles: list[str],
) -> None:
    header = [
        "Breaking news, analysis and opinion from our award winning team of reporters and "
        "editors across the country, every day of the year, wherever the story takes them.",
    ]
    footer = [
        "Advertise with us and reach millions of engaged readers in print, online and on "
        "mobile every month, with campaigns designed by our own studio.",
    ]
    for a, b in zip(articles, articles[1:], strict=False):
        one = "\n\n".join(header + [excerpt(a, 0.15)] + footer)
        two = "\n\n".join(header + [excerpt(b, 0.15)] + footer)
        assert classify(overlap(fingerprint(one), fingerprint(two)), same_site=True) is None
        again = "\n\n".join(header + [a] + footer)
        found = classify(overlap(fingerprint(again), fingerprint(a + "\n\n" + footer[0])), True)
        assert found is not None  # the same story under two URLs of one site still is


def test_two_sites_templates_alone_do_not_make_a_copy(articles: list[str]) -> None:
    for i, (a, b) in enumerate(zip(articles, articles[1:], strict=False)):
        assert verdict(templated(excerpt(a, 0.15), i), templated(excerpt(b, 0.15), i)) is None

"""Choosing a story's original: credit or canonical, then containment, then date; ties stated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.dedupe_metrics import score
from scraper.dedupe import DedupeDoc, Link, OriginalChoice, choose_original, trusted_date

DAY = datetime(2024, 5, 1, 12, tzinfo=UTC)


def doc(doc_id: str, days: float | None = 0, seen: float | None = None) -> DedupeDoc:
    published = None if days is None else DAY + timedelta(days=days)
    first_seen = None if seen is None else DAY + timedelta(days=seen)
    return DedupeDoc(
        doc_id, f"https://{doc_id}.example/story", "text", None, published, None, None, first_seen
    )


def same(a: str, b: str, kind: str = "full") -> Link:
    return Link(a, b, kind)  # type: ignore[arg-type]


def test_a_story_of_one_is_its_own_original() -> None:
    assert choose_original([doc("a")], []) == OriginalChoice("a", "alone")


def test_the_credited_source_wins_over_an_earlier_date() -> None:
    docs = [doc("copy", days=-3), doc("source", days=2)]
    links = [Link("copy", "source", "credit", directed=True)]
    assert choose_original(docs, links) == OriginalChoice("source", "credited")


def test_a_cross_domain_canonical_names_the_original() -> None:
    docs = [doc("amp", days=-1), doc("main", days=0)]
    links = [Link("amp", "main", "canonical", directed=True), same("amp", "main", "exact")]
    assert choose_original(docs, links) == OriginalChoice("main", "canonical")


def test_credits_are_followed_to_the_page_that_credits_no_one() -> None:
    docs = [doc("a", 0), doc("b", 1), doc("c", 2)]
    links = [Link("c", "b", "credit", directed=True), Link("b", "a", "credit", directed=True)]
    assert choose_original(docs, links).id == "a"


def test_a_credit_cycle_falls_back_to_the_earliest_date() -> None:
    docs = [doc("a", 1), doc("b", 0)]
    links = [Link("a", "b", "credit", directed=True), Link("b", "a", "credit", directed=True)]
    assert choose_original(docs, links) == OriginalChoice("b", "earliest date")


def test_the_text_containing_the_excerpt_wins_over_the_excerpts_earlier_date() -> None:
    docs = [doc("teaser", days=-1), doc("article", days=0)]
    links = [Link("teaser", "article", "excerpt", directed=True)]
    assert choose_original(docs, links) == OriginalChoice("article", "contains")


def test_otherwise_the_earliest_trustworthy_date_wins() -> None:
    docs = [doc("late", 2), doc("early", 0), doc("middle", 1)]
    links = [same("late", "early"), same("middle", "early", "edited")]
    assert choose_original(docs, links) == OriginalChoice("early", "earliest date")


def test_epoch_dates_and_dates_after_our_first_fetch_are_not_trusted() -> None:
    epoch = DedupeDoc(
        "epoch", "https://e.example/a", "t", published=datetime(1970, 1, 1, tzinfo=UTC)
    )
    future = doc("future", days=5, seen=1)  # a date four days after we fetched it
    honest = doc("honest", days=0, seen=0.1)
    assert trusted_date(epoch) is None and trusted_date(future) is None
    links = [same("epoch", "honest"), same("future", "honest")]
    assert choose_original([epoch, future, honest], links).id == "honest"


def test_a_page_without_a_date_counts_from_when_we_first_fetched_it() -> None:
    docs = [doc("undated", None, seen=0.5), doc("copy", 1)]
    assert choose_original(docs, [same("undated", "copy")]) == OriginalChoice(
        "undated", "earliest date"
    )


def test_equal_dates_are_a_stated_tie_settled_by_the_smallest_id() -> None:
    docs = [doc("b", 0), doc("a", 0), doc("c", 1)]
    links = [same("a", "b", "exact"), same("b", "c")]
    assert choose_original(docs, links) == OriginalChoice("a", "earliest date", True, ("a", "b"))


def test_no_dates_at_all_is_a_stated_tie() -> None:
    docs = [doc("y", None), doc("x", None)]
    assert choose_original(docs, [same("x", "y")]) == OriginalChoice(
        "x", "undated", True, ("x", "y")
    )


def test_credits_between_two_roots_go_on_to_the_next_rule() -> None:
    docs = [doc("r1", 3), doc("r2", 1), doc("c1", 4), doc("c2", 5)]
    links = [
        Link("c1", "r1", "credit", directed=True),
        Link("c2", "r2", "credit", directed=True),
        same("c1", "c2"),
    ]
    assert choose_original(docs, links) == OriginalChoice("r2", "earliest date")


def test_pairwise_and_bcubed_scores_of_a_clustering() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    found = {"a": "x", "b": "x", "c": "y", "d": "y"}
    s = score(found, truth)
    assert (s.pairs_true, s.pairs_found, s.pairs_right) == (3, 2, 1)
    assert s.precision == 0.5 and abs(s.recall - 1 / 3) < 1e-9
    assert 0 < s.bcubed_f1 < 1
    assert score(truth, truth).bcubed_f1 == 1.0

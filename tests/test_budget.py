"""Bodies held at once stay within a budget, however many large answers arrive together."""

from __future__ import annotations

from scraper.fetch.budget import LARGE, MIN_BUDGET, BodyBudget


def test_small_bodies_always_pass_and_large_ones_grow_only_within_the_budget() -> None:
    budget = BodyBudget(total=3 * LARGE)
    assert budget.take(0, LARGE)  # one large body alone
    assert budget.take(0, LARGE)
    assert budget.take(LARGE, LARGE // 2)  # 2.5 MB held now
    assert not budget.take(LARGE + LARGE // 2, LARGE)  # would pass the budget: refused
    assert budget.held == 2 * LARGE + LARGE // 2
    assert budget.take(10_000, 20_000)  # a small page goes through even so
    budget.give_back(LARGE + LARGE // 2)
    assert budget.take(LARGE + LARGE // 2, LARGE // 2)  # room again


def test_the_budget_always_lets_one_body_of_the_largest_allowed_size_through() -> None:
    assert BodyBudget.for_limit(10_000_000).total == MIN_BUDGET
    budget = BodyBudget.for_limit(100_000_000)
    assert budget.take(0, 100_000_000)

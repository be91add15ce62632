"""Scores of a clustering against the truth: pairwise precision and recall, B-cubed F1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    pairs_true: int
    pairs_found: int
    pairs_right: int
    bcubed_precision: float
    bcubed_recall: float

    @property
    def precision(self) -> float:
        return self.pairs_right / self.pairs_found if self.pairs_found else 1.0

    @property
    def recall(self) -> float:
        return self.pairs_right / self.pairs_true if self.pairs_true else 1.0

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(found: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Compare cluster labels (item -> cluster) over the items of `truth`."""
    items = list(truth)
    both = Counter((found.get(i, i), truth[i]) for i in items)
    found_sizes = Counter(found.get(i, i) for i in items)
    true_sizes = Counter(truth[i] for i in items)
    precision = recall = 0.0
    for (f, t), n in both.items():  # each of the n items sees n items of its cell
        precision += n * n / found_sizes[f]
        recall += n * n / true_sizes[t]
    count = len(items) or 1
    return Scores(
        pairs_true=sum(_pairs(n) for n in true_sizes.values()),
        pairs_found=sum(_pairs(n) for n in found_sizes.values()),
        pairs_right=sum(_pairs(n) for n in both.values()),
        bcubed_precision=precision / count,
        bcubed_recall=recall / count,
    )

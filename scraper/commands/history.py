"""An article's version history as the commands show it: `scraper diff` and version listings."""

from __future__ import annotations

from datetime import datetime

from scraper.errors import ScraperError
from scraper.models import StoredVersion
from scraper.store.base import Store
from scraper.store.versions import (
    Snapshot,
    describe_snapshot,
    render_word_diff,
    unified_diff,
    word_diff,
)


def versions_of(
    store: Store, article_id: str, *, include_minor: bool = False
) -> list[StoredVersion]:
    return [v for v in store.iter_versions(article_id) if include_minor or not v.minor]


def diff_versions(
    store: Store,
    key: str,
    first: int | None = None,
    second: int | None = None,
    *,
    color: bool = False,
    unified: bool = False,
) -> str:
    """The diff between two versions of an article (default: the last two shown ones)."""
    article = store.get_article(key)
    if article is None:
        raise ScraperError(f"no archived article {key!r}")
    every = {v.number: v for v in versions_of(store, article.id, include_minor=True)}
    shown = [v for v in every.values() if not v.minor]
    if first is None:
        if len(shown) < 2:
            raise ScraperError(f"{article.id} has only one version: nothing to compare")
        old, new = shown[-2], shown[-1]
    else:
        new_number = second if second is not None else shown[-1].number
        for number in (first, new_number):
            if number not in every:
                raise ScraperError(
                    f"{article.id} has no version {number} (it has "
                    f"{', '.join(map(str, sorted(every)))})"
                )
        old, new = every[first], every[new_number]
    label_old = f"v{old.number} ({_when(old.fetched_at)})"
    label_new = f"v{new.number} ({_when(new.fetched_at)})"
    a, b = describe_snapshot(Snapshot.of_version(old)), describe_snapshot(Snapshot.of_version(new))
    if unified:
        return unified_diff(a, b, label_old, label_new) or "(no difference)\n"
    header = f"{article.id}: {label_old} -> {label_new}\n"
    return header + render_word_diff(word_diff(a, b), color=color)


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "?"


def compare_articles(
    store: Store, first: str, second: str, *, color: bool = False, unified: bool = False
) -> str:
    """What a republisher changed: the word diff between any two articles' latest versions."""
    a, b = store.get_article(first), store.get_article(second)
    for key, found in ((first, a), (second, b)):
        if found is None:
            raise ScraperError(f"no archived article {key!r}")
    assert a is not None and b is not None
    old = describe_snapshot(Snapshot(a.title, a.text, a.authors, a.published, a.updated))
    new = describe_snapshot(Snapshot(b.title, b.text, b.authors, b.published, b.updated))
    if unified:
        return unified_diff(old, new, a.url, b.url) or "(no difference)\n"
    return f"{a.id} ({a.url}) -> {b.id} ({b.url})\n" + render_word_diff(
        word_diff(old, new), color=color
    )

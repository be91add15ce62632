"""The language registry (scraper/extract/languages/): one table a language, every table sound."""

from __future__ import annotations

import pkgutil
import re

import pytest

from scraper.extract import languages
from scraper.extract.languages import LANGUAGES, Language, alternation, patterns, words


def test_every_module_is_collected_under_its_own_code() -> None:
    modules = {m.name for m in pkgutil.iter_modules(languages.__path__)}
    assert set(LANGUAGES) == modules
    assert list(LANGUAGES)[0] == "en"  # its patterns are tried first


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_each_table_is_well_formed(code: str) -> None:
    language = LANGUAGES[code]
    assert isinstance(language, Language)
    for months in language.months:
        assert len(months.split()) == 12, months
    for field in ("credits", "counters"):
        for pattern in getattr(language, field):
            re.compile(pattern)
    for field in ("byline_leads", "author_labels", "and_words", "roles", "desks"):
        assert all(w == w.casefold() for w in getattr(language, field)), field


def test_the_union_keeps_registry_order_and_drops_repeats() -> None:
    leads = words("byline_leads")
    assert leads[0] == "by" and len(leads) == len(set(leads))
    assert patterns("credits")[0][0] == "en"


def test_an_alternation_matches_the_longest_phrase_first() -> None:
    regex = re.compile(r"^(?:" + alternation(["by", "posted by", "posted"]) + r")\b")
    match = regex.match("posted  by Jane")
    assert match is not None and match.group(0) == "posted  by"

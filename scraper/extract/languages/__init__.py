"""The words each language uses for bylines, dates, credits and counters: one module a language.

In the manner of feedparser's datetimes/: each module here (`en.py`, `fr.py`, `pl.py` ...) holds
one `LANGUAGE = Language(...)` table, and this package collects every module it finds, so adding a
language is one file (and its tests). The extractors read the union over all languages through
`words` and `patterns`: a page's declared language is often missing or wrong, and these words
rarely collide across languages.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["LANGUAGES", "Language", "alternation", "patterns", "words"]


@dataclass(frozen=True)
class Language:
    """One language's words, each a tuple of lower-case phrases (regex patterns where noted)."""

    code: str
    # month names, January first, one string of twelve per grammatical form
    months: tuple[str, ...] = ()
    # phrases that open a byline line: "by", "posted by", "par", "von", "autor"
    byline_leads: tuple[str, ...] = ()
    # labels put before names in metadata and bylines: "author", "credit", "text"
    author_labels: tuple[str, ...] = ()
    # words in the path of a link to an author's page: "/author/jane-doe", "/autor/..."
    author_paths: tuple[str, ...] = ()
    # words joining the names of several authors: "and", "et", "und", "y"
    and_words: tuple[str, ...] = ()
    # words that open a photo credit ("Photo:", "Foto:", "Crédit photo :"): a credit is no author
    photo_credits: tuple[str, ...] = ()
    # phrases of a site's own credit line ("powered by", "website by"): no byline
    site_credits: tuple[str, ...] = ()
    # words after which a byline says no more names: "updated", "published", "read more"
    byline_ends: tuple[str, ...] = ()
    # names of the days, cut from bylines with the date they go with ("Tue", "Dienstag")
    weekdays: tuple[str, ...] = ()
    # small words before a date or time, left dangling when it is cut off: "at", "on", "le", "um"
    date_leads: tuple[str, ...] = ()
    # labels of a date that is not the publication's: "updated", "mis à jour", "aktualisiert"
    update_labels: tuple[str, ...] = ()
    # labels of a member's date, not the page's: "joined", "member since", "mitglied seit"
    member_labels: tuple[str, ...] = ()
    # job titles after a name: "writer", "correspondent", "redakteur"
    roles: tuple[str, ...] = ()
    # accounts and desk lines that name no one: "admin", "staff", "redaktion"
    desks: tuple[str, ...] = ()
    # regex: a credit line starts with one of these; group `name` is the credited source
    credits: tuple[str, ...] = ()
    # words after a credited source's name that end it ("on 3 March", "unter CC-BY", "et")
    credit_name_ends: tuple[str, ...] = ()
    # fragments of a link's text that say it leads to the original ("read", "ici", "lesen")
    link_hints: tuple[str, ...] = ()
    # fragments one of which every credit line contains (a cheap filter before the patterns)
    credit_triggers: tuple[str, ...] = ()
    # words that make a name an organisation's, not a person's: "news", "zeitung", "journal"
    organisation_words: tuple[str, ...] = ()
    # lower-case particles inside a person's name: "van", "de", "von"
    name_particles: tuple[str, ...] = ()
    # regex: view counters and relative stamps that change on every visit ("vor 5 Minuten")
    counters: tuple[str, ...] = ()


def _collect() -> dict[str, Language]:
    found: dict[str, Language] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: (m.name != "en", m.name)):
        language = getattr(importlib.import_module(f"{__name__}.{module.name}"), "LANGUAGE", None)
        if isinstance(language, Language):
            found[language.code] = language
    return found


# English first (its patterns are the most frequent), then the others by code.
LANGUAGES: dict[str, Language] = _collect()


def words(field: str) -> tuple[str, ...]:
    """Every language's phrases of one field, deduplicated, in registry order."""
    out: dict[str, None] = {}
    for language in LANGUAGES.values():
        out.update(dict.fromkeys(getattr(language, field)))
    return tuple(out)


def patterns(field: str) -> list[tuple[str, str]]:
    """(language code, pattern) for a field of regex patterns, in registry order."""
    return [(code, p) for code, language in LANGUAGES.items() for p in getattr(language, field)]


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any whitespace."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)

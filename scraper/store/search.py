"""Full-text search results, and the one query language both indexes read.

Users write FTS5's syntax (words, "exact phrases", OR, AND, NOT, prefix*, parentheses).
SQLite reads it as is; `to_tsquery_text` turns it into PostgreSQL's `to_tsquery` syntax, so a
query means the same on either index (and a malformed one is the same one-line error).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.errors import ScraperError
from scraper.models import StoredArticle


class SearchSyntaxError(ScraperError):
    """A search query the index cannot read."""


@dataclass(frozen=True)
class SearchHit:
    article: StoredArticle
    snippet: str
    rank: float  # lower is better (bm25 on SQLite, minus ts_rank on PostgreSQL)


_TOKEN = re.compile(r'\s*(?:(")|(\()|(\))|([^\s"()]+))')
_OPERATORS = {"OR": "|", "AND": "&", "NOT": "& !"}


def _quote(word: str) -> str:
    """A tsquery literal: the word, quoted, so punctuation in it is never syntax."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _term(word: str) -> str:
    if word.endswith("*") and word.rstrip("*"):
        return _quote(word.rstrip("*")) + ":*"
    return _quote(word)


def to_tsquery_text(query: str) -> str:
    """The FTS5-style `query` as `to_tsquery` input; SearchSyntaxError when it is malformed."""

    def fail(why: str) -> SearchSyntaxError:
        return SearchSyntaxError(f"cannot search for {query!r}: {why}")

    out: list[str] = []
    expect_operand = True  # at the start, after an operator or an opening parenthesis
    depth, pos = 0, 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None:  # only trailing blanks are left
            break
        pos = match.end()
        quote, opening, closing, word = match.groups()
        if word in _OPERATORS:
            if expect_operand:
                raise fail(f"syntax error near {word!r}")
            out.append(_OPERATORS[word])
            expect_operand = True
            continue
        if closing:
            if expect_operand or depth == 0:
                raise fail('syntax error near ")"')
            depth -= 1
            out.append(")")
            continue
        if not expect_operand:
            out.append("&")  # juxtaposed terms: all of them
        expect_operand = False
        if opening:
            depth += 1
            out.append("(")
            expect_operand = True
        elif quote:
            end = query.find('"', pos)
            if end < 0:
                raise fail("unterminated string")
            words = query[pos:end].split()
            pos = end + 1
            out.append("(" + " <-> ".join(_quote(w) for w in words) + ")" if words else "''")
        elif word is not None:
            out.append(_term(word))
    if expect_operand and out:
        raise fail("syntax error at the end")
    if depth:
        raise fail('unbalanced "("')
    return " ".join(out)

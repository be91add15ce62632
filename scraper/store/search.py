"""Full-text search results, and the one query language both indexes read.

A query is words, "exact phrases", OR, AND, NOT, prefix* and parentheses (FTS5's operators).
Anything else a person types is words: `Al-Tanf`, `covid-19`, `U.S.`, `Andrew's`, `9/11` and
`50%` are searched as the words they contain, never read as syntax. One parser checks a query
and renders it for each index (`to_fts5_text`, `to_tsquery_text`), so a query means the same on
either, and a malformed one is the same readable line on both.
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


@dataclass(frozen=True)
class QueryToken:
    kind: str  # "word", "prefix", "phrase", "op", "(", ")"
    text: str


_TOKEN = re.compile(r'\s*(?:(")|(\()|(\))|([^\s"()]+))')
_OPERATORS = ("OR", "AND", "NOT")


def parse_query(query: str) -> list[QueryToken]:
    """The query's tokens, checked: SearchSyntaxError (one readable line) when it is malformed."""

    def fail(why: str) -> SearchSyntaxError:
        return SearchSyntaxError(f"cannot search for {query!r}: {why}")

    tokens: list[QueryToken] = []
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
                raise fail(f"{word} needs a word on each side (e.g. ceasefire {word} truce)")
            tokens.append(QueryToken("op", word))
            expect_operand = True
        elif closing:
            if depth == 0:
                raise fail('a ")" closes nothing')
            if expect_operand:
                raise fail('nothing to search for before ")"')
            depth -= 1
            tokens.append(QueryToken(")", ")"))
        else:
            expect_operand = bool(opening)
            if opening:
                depth += 1
                tokens.append(QueryToken("(", "("))
            elif quote:
                end = query.find('"', pos)
                if end < 0:
                    raise fail('a quote (") is not closed')
                tokens.append(QueryToken("phrase", " ".join(query[pos:end].split())))
                pos = end + 1
            elif word.endswith("*") and word.rstrip("*"):
                tokens.append(QueryToken("prefix", word.rstrip("*")))
            else:
                tokens.append(QueryToken("word", word))
    if not tokens:
        raise fail("nothing to search for")
    if expect_operand:
        raise fail(f"{tokens[-1].text} needs a word after it")
    if depth:
        raise fail('a "(" is not closed')
    return tokens


def to_fts5_text(query: str) -> str:
    """The query as an FTS5 MATCH expression: every word and phrase a quoted string, so its
    punctuation is split into words by the tokenizer and never read as syntax."""
    out: list[str] = []
    for token in parse_query(query):
        if token.kind in ("word", "phrase"):
            out.append('"' + token.text + '"')
        elif token.kind == "prefix":
            out.append('"' + token.text + '"*')
        else:
            out.append(token.text)
    return " ".join(out)


def _quote(word: str) -> str:
    """A tsquery literal: the word, quoted, so punctuation in it is never syntax."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


_TS_OPERATORS = {"OR": "|", "AND": "&", "NOT": "& !"}


def _ts_word(word: str) -> str:
    """A word as tsquery input. PostgreSQL's parser keeps some punctuated words whole ('9/11',
    'u.s', '-19' in covid-19) where FTS5 splits them, so a word with punctuation is also sought
    as the phrase of its parts, as FTS5 reads it: `covid-19` finds "covid 19" on both."""
    parts = re.findall(r"[^\W_]+", word)
    if not parts or parts == [word]:
        return _quote(word)
    return f"({_quote(word)} | {' <-> '.join(map(_quote, parts))})"


def to_tsquery_text(query: str) -> str:
    """The query as `to_tsquery` input: words and phrases quoted (PostgreSQL's parser splits
    them as it split the text), juxtaposed terms joined by `&`."""
    out: list[str] = []
    previous: QueryToken | None = None
    for token in parse_query(query):
        if token.kind in ("op", ")"):
            out.append(_TS_OPERATORS.get(token.text, token.text))
        else:
            if previous is not None and previous.kind not in ("op", "("):
                out.append("&")  # juxtaposed terms: all of them
            if token.kind == "(":
                out.append("(")
            elif token.kind == "prefix":
                out.append(_quote(token.text) + ":*")
            elif token.kind == "phrase":
                words = token.text.split()
                out.append("(" + " <-> ".join(map(_quote, words)) + ")" if words else "''")
            else:
                out.append(_ts_word(token.text))
        previous = token
    return " ".join(out)

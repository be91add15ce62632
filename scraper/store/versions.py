"""What counts as a new version of an article, and what changed: pure functions over texts.

A version is a change a reader would see: title, body, authors, dates. Noise that changes on
every visit (view and comment counters, "5 minutes ago" stamps, whitespace) is normalised away
before comparing; a change only in whitespace or punctuation is a *minor* version, kept but
hidden by default.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from scraper.extract.languages import patterns
from scraper.models import Article, StoredVersion

# Counters and relative stamps: each language's `counters` in scraper/extract/languages/.
NOISE_PATTERNS: tuple[str, ...] = tuple(p for _, p in patterns("counters"))
_NOISE = re.compile("|".join(f"(?:{p})" for p in NOISE_PATTERNS), re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Snapshot:
    """The reader-visible state of an article that versions compare."""

    title: str | None
    text: str
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    # The body's lines that are links and nothing else ("most read", related stories, tag
    # lists): furniture that rotates between visits. A change confined to them is minor.
    furniture: frozenset[str] = frozenset()

    @classmethod
    def of(cls, article: Article) -> Snapshot:
        return cls(
            article.title,
            article.text,
            article.authors,
            article.published,
            article.updated,
            furniture_of(article.markdown),
        )

    @classmethod
    def of_version(cls, version: StoredVersion) -> Snapshot:
        """A stored version as diffs compare it (its furniture is not kept)."""
        return cls(version.title, version.text, version.authors, version.published, version.updated)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP_ONLY = re.compile(r"[\W_]+", re.UNICODE)


def furniture_of(markdown: str) -> frozenset[str]:
    """The words of each Markdown line that holds links and nothing else."""
    lines = set()
    for line in markdown.splitlines():
        if "](" not in line or _MARKUP_ONLY.sub("", _LINK.sub("", line)):
            continue
        words = " ".join(_words(" ".join(m.group(1) for m in _LINK.finditer(line))))
        if words:
            lines.add(words)
    return frozenset(lines)


def _without_furniture(text: str, furniture: frozenset[str]) -> str:
    if not furniture:
        return text
    kept = [line for line in text.splitlines() if " ".join(_words(line)) not in furniture]
    return "\n".join(kept)


def without_noise(text: str) -> str:
    """The text with counters and relative timestamps removed and whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    return " ".join(_NOISE.sub(" ", text).split())


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def live_lines(a: str, b: str) -> frozenset[str]:
    """The words of the lines in one text and not the other: of two fetches of a page moments
    apart, what changes is live furniture (a clock, a ticker, a "most read" box), not an edit."""
    lines_a = {" ".join(_words(line)) for line in a.splitlines()}
    lines_b = {" ".join(_words(line)) for line in b.splitlines()}
    return frozenset(line for line in lines_a ^ lines_b if line)


def _without_live(old: str, new: str, live: frozenset[str]) -> tuple[str, str]:
    """Both texts without the places where only live lines changed: a run of the new text's
    lines that are all live, and the old lines it replaces (the live line as it read then)."""
    a, b = old.splitlines(), new.splitlines()
    keys_a = [" ".join(_words(line)) for line in a]
    keys_b = [" ".join(_words(line)) for line in b]
    drop_a: set[int] = set()
    drop_b: set[int] = set()
    matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in {"replace", "insert"} and all(k in live or not k for k in keys_b[j1:j2]):
            drop_a.update(range(i1, i2))
            drop_b.update(range(j1, j2))
    kept_a = "\n".join(line for i, line in enumerate(a) if i not in drop_a)
    kept_b = "\n".join(line for i, line in enumerate(b) if i not in drop_b)
    return kept_a, kept_b


def classify_change(old: Snapshot, new: Snapshot, live: frozenset[str] = frozenset()) -> str:
    """ "none", "minor" (whitespace or punctuation only) or "major" (a reader would see it).

    `live`: lines (their words) that change from one fetch to the next, left out of both texts.
    """
    if new.text.strip() == "" and old.text.strip() != "":
        return "none"  # an extraction failure is not an edit; keep the last good version
    if live:
        old_text, new_text = _without_live(old.text, new.text, live)
        old, new = replace(old, text=old_text), replace(new, text=new_text)
    fields_old = (without_noise(old.title or ""), without_noise(old.text))
    fields_new = (without_noise(new.title or ""), without_noise(new.text))
    same_meta = sorted(a.casefold() for a in old.authors) == sorted(
        a.casefold() for a in new.authors
    ) and _same_day(old.published, new.published)
    if fields_old == fields_new and same_meta:
        return "none"
    words_same = all(_words(a) == _words(b) for a, b in zip(fields_old, fields_new, strict=True))
    if words_same and same_meta:
        return "minor"
    furniture = old.furniture | new.furniture
    prose_old = _words(_without_furniture(old.text, furniture))
    prose_new = _words(_without_furniture(new.text, furniture))
    if same_meta and fields_old[0] == fields_new[0] and prose_old == prose_new:
        return "minor"  # only lists of links changed: kept, not an edit a reader would see
    return "major"


def _same_day(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return True  # a date that appears or vanishes in extraction is not an edit
    return abs((a - b).total_seconds()) < 60


# -- diffs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    kind: str  # "equal", "delete", "insert"
    text: str


def word_diff(old: str, new: str) -> list[Change]:
    """A word-level diff; whitespace runs are kept with the words they follow."""
    a = re.findall(r"\S+\s*", old)
    b = re.findall(r"\S+\s*", new)
    matcher = difflib.SequenceMatcher(
        a=[w.strip() for w in a], b=[w.strip() for w in b], autojunk=False
    )
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("equal", "".join(b[j1:j2])))
            continue
        if op in {"delete", "replace"}:
            changes.append(Change("delete", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            changes.append(Change("insert", "".join(b[j1:j2])))
    return changes


RED, GREEN, RESET, STRIKE = "\x1b[31m", "\x1b[32m", "\x1b[0m", "\x1b[9m"


def render_word_diff(changes: Sequence[Change], *, color: bool, context: int = 12) -> str:
    """Changes inline: coloured on a terminal, `[-old-]{+new+}` otherwise; long equal runs cut."""
    out = []
    for index, change in enumerate(changes):
        if change.kind == "equal":
            words = change.text.split(" ")
            if len(words) > 2 * context + 1:
                head = " ".join(words[:context]) if index > 0 else ""
                tail = " ".join(words[-context:]) if index < len(changes) - 1 else ""
                out.append(f"{head} [...] {tail}".strip() + " ")
            else:
                out.append(change.text)
        elif change.kind == "delete":
            text = change.text.rstrip()
            out.append(f"{RED}{STRIKE}{text}{RESET} " if color else f"[-{text}-] ")
        else:
            text = change.text.rstrip()
            out.append(f"{GREEN}{text}{RESET} " if color else f"{{+{text}+}} ")
    return "".join(out).strip() + "\n"


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A classic unified diff of the two texts, one paragraph per line."""
    lines = difflib.unified_diff(
        [p + "\n" for p in _paragraphs(old)],
        [p + "\n" for p in _paragraphs(new)],
        fromfile=old_label,
        tofile=new_label,
    )
    return "".join(lines)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def describe_snapshot(snap: Snapshot) -> str:
    """The text a version diff compares: title, authors and dates above the body."""
    head = [f"# {snap.title or ''}".rstrip()]
    if snap.authors:
        head.append("By " + ", ".join(snap.authors))
    if snap.published:
        head.append(f"Published {snap.published.isoformat()}")
    if snap.updated:
        head.append(f"Updated {snap.updated.isoformat()}")
    return "\n\n".join([*head, snap.text])


def version_diff(old: Snapshot, new: Snapshot, old_label: str, new_label: str) -> str:
    """The diff stored beside each version: unified, over title, byline, dates and body."""
    return unified_diff(describe_snapshot(old), describe_snapshot(new), old_label, new_label)

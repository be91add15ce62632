"""Whether the words after a 'By' in a page's text are a sentence's, not a byline's.

'By default, items only show up...', 'By submitting, I agree to Zendesk's Privacy Notice',
'by using one of the below commands. Be sure to follow the': a lead word opens many phrases.
A byline names people; their names are capitalised but for short particles ('Jan van der
Berg', 'Moon of Alabama'), and one does not open with a lower-case word followed by more text
(a lower-case user name stands alone: 'by galitsyn').
"""

from __future__ import annotations

from scraper.extract.languages import words

__all__ = ["opens_sentence", "reads_as_phrase"]

# words that may stand lower-case between names: particles, 'and', 'with' ('Dieter Hogen with
# Uta Pippig')
_BETWEEN = frozenset(
    words("name_particles") + words("and_words") + ("with", "mit", "avec", "con", "com", "met")
)


def reads_as_phrase(part: str) -> bool:
    """Whether a part of several words holds a lower-case word of four letters or more that is
    no name particle ('Be sure to', 'Get in touch'): a phrase, not a name."""
    words_ = part.split()
    return len(words_) > 1 and any(
        w.isalpha() and w.islower() and len(w) >= 4 and w not in _BETWEEN for w in words_[1:]
    )


def opens_sentence(first: str, rest: list[str]) -> bool:
    """Whether a line's first part after its lead is lower-case with more text after it
    ('default' before ', items only show up'): the lead opened a sentence."""
    return bool(first) and first[0].islower() and any(c.isalpha() for r in rest for c in r)

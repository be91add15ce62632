"""The article's language as an ISO 639-1 code: declared by the page, else detected.

Declarations (`<html lang>`, og:locale, content-language) are cheap and usually right, but some
are template defaults (an English article under `<html lang="de">`), so a long body that py3langid
reads as another language with near certainty overrides them. Detection loads its model once, on
first use (~0.7 s), and reads at most 1,200 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["normalize_language", "detect_language", "choose_language"]

_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$")
# Three-letter codes pages use instead of two-letter ones.
_ISO3 = {"eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es",
         "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "jpn": "ja",
         "kor": "ko", "zho": "zh", "chi": "zh", "ara": "ar", "ind": "id"}  # fmt: skip
_MIN_TEXT = 200  # characters of body needed to trust detection
_OVERRIDE_TEXT = 500  # ... and to overrule a declaration
_OVERRIDE_CONFIDENCE = 0.99
_SAMPLE = 1200  # characters read: plenty for a sure answer, and detection cost grows with it


def normalize_language(value: str | None) -> str | None:
    """'en-US', 'pt_BR', 'FR', 'eng' -> 'en', 'pt', 'fr', 'en'; anything else -> None."""
    m = _CODE.match(value or "")
    if not m:
        return None
    code = m.group(1).lower()
    if len(code) == 3:
        return _ISO3.get(code)
    return None if code in ("xx", "zz") else code


@cache
def _identifier() -> Any:
    """py3langid's identifier with normalised probabilities (its API moved between 0.3 and 0.4)."""
    from py3langid import langid

    for loader in ("from_model_file", "from_pickled_model"):
        load = getattr(langid.LanguageIdentifier, loader, None)
        if load is not None:
            return load(langid.MODEL_FILE, norm_probs=True)
    return None


def detect_language(text: str | None) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) for a text long enough to judge, else None."""
    if not text or len(text) < _MIN_TEXT:
        return None
    identifier = _identifier()
    if identifier is None:
        return None
    code, confidence = identifier.classify(text[:_SAMPLE])
    return str(code), float(confidence)


def choose_language(declared: Iterable[str | None], body_text: str | None) -> str | None:
    """The first valid declaration, unless a long body is surely in another language; else the
    detected language."""
    first = next((code for code in map(normalize_language, declared) if code), None)
    if first is not None and (body_text is None or len(body_text) < _OVERRIDE_TEXT):
        return first  # too short to overrule the page: no need to detect
    detected = detect_language(body_text)
    if first is None:
        return detected[0] if detected and detected[1] >= 0.5 else None
    if (
        detected
        and detected[0] != first
        and detected[1] >= _OVERRIDE_CONFIDENCE
        and body_text is not None
        and len(body_text) >= _OVERRIDE_TEXT
    ):
        return detected[0]
    return first

"""The article's language as an ISO 639-1 code: declared by the page, else detected.

Declarations (`<html lang>`, og:locale, content-language) are cheap and usually right, but some
are template defaults (an English article under `<html lang="de">`), so a long body that py3langid
reads as another language with near certainty overrides them. Detection loads its model once, on
first use (0.14 s of CPU from a decompressed copy in the user's cache folder, made the first time;
0.55 s as shipped), and reads at most 1,200 characters.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from functools import cache
from typing import Any

import numpy as np

from scraper.array_cache import Arrays, cached_arrays

__all__ = ["normalize_language", "detect_language", "choose_language"]

_CODE = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*\s*$")
# Three-letter codes pages use instead of two-letter ones.
_ISO3 = {
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "dut": "nl",
    "rus": "ru",
    "jpn": "ja",
    "kor": "ko",
    "zho": "zh",
    "chi": "zh",
    "ara": "ar",
    "ind": "id",
}
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
def language_identifier() -> Any:
    """py3langid's identifier with normalised probabilities (its API moved between 0.3 and 0.4)."""
    from py3langid import langid

    cached = _cached_identifier()
    if cached is not None:
        return cached
    for loader in ("from_model_file", "from_pickled_model"):
        load = getattr(langid.LanguageIdentifier, loader, None)
        if load is not None:
            return load(langid.MODEL_FILE, norm_probs=True)
    return None


def _cached_identifier() -> Any:
    """py3langid 0.4's identifier, from its model kept decompressed in the cache folder.

    The model ships LZMA-compressed: decompressing it costs ~0.5 s of CPU at every start of a
    command's extraction processes, most of their start-up. Kept as a plain .npz (~70 MB, made
    once per py3langid version, see `scraper.array_cache`), it loads in 0.14 s. Anything unexpected
    (another py3langid, a damaged file) falls back to py3langid's own loader.
    """
    try:
        from importlib.metadata import version

        from py3langid import langid
        from py3langid.modelio import load_model

        release = version("py3langid")
        if not release.startswith("0.4."):
            return None
        source = langid.MODEL_DIR / langid.MODEL_FILE

        def shipped() -> Arrays:
            ptc, pc, classes, nextmove, row, output = load_model(source)
            return {
                "ptc": np.asarray(ptc),
                "pc": np.asarray(pc),
                "classes": np.asarray(classes),
                "nextmove": _typed(nextmove),
                "output": np.asarray(output, np.int32),
                "row": _typed(row),
            }

        data = cached_arrays(
            f"langid-{release}-{source.stat().st_size}.npz",
            shipped,
            ("ptc", "pc", "classes", "nextmove", "output", "row"),
        )
        return langid.LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _untyped(data["nextmove"]),
            data["output"].tolist(),
            norm_probs=True,
            tk_row=_untyped(data["row"]),
        )
    except Exception:  # noqa: BLE001 - a cache: any trouble and the model is read as shipped
        return None


def _typed(values: array) -> np.ndarray:  # type: ignore[type-arg]
    return np.frombuffer(values.tobytes(), dtype=np.dtype(values.typecode))


def _untyped(values: np.ndarray) -> array:  # type: ignore[type-arg]
    return array(values.dtype.char, values.tobytes())


def detect_language(text: str | None) -> tuple[str, float] | None:
    """(ISO 639-1 code, confidence) for a text long enough to judge, else None."""
    if not text or len(text) < _MIN_TEXT:
        return None
    identifier = language_identifier()
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

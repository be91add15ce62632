"""Bytes to text without mojibake: the charset from the header, a BOM, the document, or detection."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Pages labelled latin-1 are windows-1252 in practice (the WHATWG rule browsers follow).
    return "cp1252" if codec in {"latin-1", "iso8859-1", "ascii"} else codec


def declared_encoding(content: bytes, content_type: str | None = None) -> str | None:
    """The encoding the bytes claim: BOM first, then the HTTP header, then the document itself."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    from_header = _codec(header_charset(content_type))
    if from_header:
        return from_header
    head = content[:4096]
    match = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def decode(content: bytes, content_type: str | None = None) -> str:
    """Decode a document, trusting a declared encoding only when the bytes agree with it."""
    declared = declared_encoding(content, content_type)
    if declared and not declared.startswith("utf") and _is_multibyte_utf8(content):
        # Valid UTF-8 with non-ASCII sequences is almost never an accident of a legacy code
        # page: the label lies (a common server misconfiguration), the bytes don't.
        declared = "utf-8"
    if declared:
        try:
            text = content.decode(declared)
            return text[1:] if text.startswith("\ufeff") else text
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lies; fall through to detection
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return content.decode(detect(content[:200_000]), errors="replace")


def _is_multibyte_utf8(content: bytes) -> bool:
    if content.isascii():
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def detect(content: bytes) -> str:
    """The likeliest encoding of undeclared bytes.

    Western single-byte code pages are statistically close; when windows-1252 (the web's most
    common legacy encoding) reads the bytes about as cleanly as the detector's favourite, it wins.
    """
    matches = charset_normalizer.from_bytes(content)
    best = matches.best()
    if best is None or not best.encoding:
        return "cp1252"
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.01:
            return "cp1252"
    return best.encoding


_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"OggS",
    b"fLaC",
    b"ID3",
    b"\x7fELF",
)


# C0 controls that text never holds (tab, newlines, form feed and escape excepted)
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 27 or 27 < b < 32)


def looks_binary(content: bytes) -> bool:
    """True for bytes that are no text document (images, archives) whatever their label says."""
    head = content[:2048]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 20

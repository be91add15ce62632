"""Bytes to text: the declared charset when the bytes agree, detection when they don't."""

from __future__ import annotations

import codecs

from scraper.encoding import decode, looks_binary

FRENCH = (
    "Le gouvernement a annoncé mercredi une série de mesures destinées à réduire la dépendance "
    "énergétique du pays. Selon le ministre, les négociations se poursuivront jusqu'à la fin de "
    "l'année, malgré les critiques des élus qui dénoncent un manque de transparence. éèàç"
)
RUSSIAN = "Источник этой статьи - Moon of Alabama. Редакция не несёт ответственности."


def page(charset_meta: str | None, text: str) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_charset_from_the_http_header_wins() -> None:
    data = page(None, FRENCH).encode("cp1252", errors="ignore")
    assert "éèàç" in decode(data, "text/html; charset=windows-1252")


def test_charset_from_a_meta_tag_is_used() -> None:
    data = page("koi8-r", RUSSIAN).encode("koi8-r")
    assert RUSSIAN in decode(data, "text/html")


def test_a_bom_overrides_a_wrong_header() -> None:
    data = codecs.BOM_UTF8 + page(None, FRENCH).encode("utf-8")
    text = decode(data, "text/html; charset=iso-8859-1")
    assert FRENCH in text and not text.startswith("\ufeff")


def test_a_lying_declaration_falls_back_to_detection_without_mojibake() -> None:
    data = page("utf-8", FRENCH).encode("cp1252", errors="ignore")  # says utf-8, is not
    assert "éèàç" in decode(data, "text/html")


def test_latin1_labels_decode_as_windows_1252_like_browsers() -> None:
    data = page(None, "it\u2019s").encode("cp1252")
    assert "it\u2019s" in decode(data, "text/html; charset=ISO-8859-1")


def test_undeclared_utf8_is_utf8() -> None:
    assert RUSSIAN in decode(page(None, RUSSIAN).encode("utf-8"))


def test_binary_payloads_are_recognised() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert looks_binary(bytes(range(32)) * 20)
    assert not looks_binary(page(None, "a\x00b").encode())
    assert not looks_binary(b"")

"""Does a plain fetch look like a JavaScript shell, a page its scripts have yet to fill in?

Three signs (`render = "auto"` renders a page that shows one): a "please enable JavaScript"
notice, an empty application root (`<div id="root">`, `__next`, `ng-app`, ...), or next to no
text beside scripts. A page with a real article's text never counts, whatever else it holds.
"""

from __future__ import annotations

import re

import lxml.html

ARTICLE_TEXT = 600  # characters of visible text past which a page is an article, not a shell
BARE_TEXT = 150  # a page with scripts and less text than this is a shell
NOTICES = (
    "enable javascript",
    "javascript is required",
    "javascript is disabled",
    "requires javascript",
    "turn on javascript",
    "activer javascript",
    "javascript aktivieren",
    "habilita javascript",
)
APP_ROOTS = (
    "//*[@id='root' or @id='app' or @id='__next' or @id='__nuxt' or @id='___gatsby']",
    "//*[@ng-app or @data-reactroot or @data-server-rendered]",
    "//app-root",
)
_SPACE = re.compile(r"\s+")
# Paragraphs already holding text: a page with a few is an article, told without parsing it
# (the check runs on every page of an "auto" source, most of them ordinary).
_PROSE = re.compile(rb"<p[\s>][^<]{80}", re.IGNORECASE)
PROSE_PARAGRAPHS = 3


def looks_like_js_shell(html: str | bytes) -> bool:
    """True when the page's text is missing and something says scripts will bring it."""
    raw = html.encode("utf-8", "replace") if isinstance(html, str) else html
    prose = _PROSE.finditer(raw)
    if all(next(prose, None) is not None for _ in range(PROSE_PARAGRAPHS)):
        return False
    try:
        tree = lxml.html.document_fromstring(html or b"<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return False
    scripts = tree.xpath("//script")
    notices = " ".join(n.text_content() for n in tree.xpath("//noscript")).lower()
    for node in tree.xpath("//script | //style | //noscript | //template"):
        node.drop_tree()
    body = tree.find("body")
    text = _SPACE.sub(" ", body.text_content() if body is not None else "").strip()
    if len(text) >= ARTICLE_TEXT:
        return False
    if any(notice in notices or notice in text.lower() for notice in NOTICES):
        return True
    empty_root = any(not _SPACE.sub("", n.text_content()) for x in APP_ROOTS for n in tree.xpath(x))
    return empty_root or (bool(scripts) and len(text) < BARE_TEXT)

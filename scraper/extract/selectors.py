"""Per-source CSS selector overrides: the body is exactly what users select, minus what they drop.

For sites where users want exactness: `select = "article .entry-content"` takes the matching
elements as the body; `drop = [".related", ".share"]` removes elements before extraction.
"""

from __future__ import annotations

import lxml.html
from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from scraper.errors import ConfigError


def compile_selector(css: str) -> CSSSelector:
    """A compiled selector, or a `ConfigError` saying what is wrong with it."""
    try:
        return CSSSelector(css, translator="html")
    except SelectorError as error:
        raise ConfigError(f"invalid CSS selector {css!r}: {error}") from None


def apply_selectors(html: str, select: str | None, drop: tuple[str, ...]) -> str:
    """The page reduced to the selected elements (inside its own <head>) without dropped ones."""
    if not select and not drop:
        return html
    try:
        tree: HtmlElement = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html
    for css in drop:
        for element in compile_selector(css)(tree):
            if element.getparent() is not None:
                element.drop_tree()
    if select:
        chosen = compile_selector(select)(tree)
        if not chosen:
            return lxml.html.tostring(tree, encoding="unicode")
        body = tree.find("body")
        if body is not None:
            for child in list(body):
                body.remove(child)
            wrapper = lxml.html.Element("article")
            for element in chosen:
                wrapper.append(element)
            body.append(wrapper)
    return lxml.html.tostring(tree, encoding="unicode")

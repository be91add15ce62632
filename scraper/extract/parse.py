"""A page parsed the way trafilatura parses it, with less Python on the way.

lxml.html's parser picks each element's class in a Python callback (forms, inputs and labels
get their own classes), paid every time an element is touched: about a twentieth of the body
extractor's time. The body extractor needs none of those classes, so its parser takes
trafilatura's settings with the class chosen in C; trees copied from it (trafilatura works on
copies) keep that choice.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.utils import is_dubious_html, repair_faulty_html

PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def load_page(html: str) -> HtmlElement | None:
    """trafilatura's `load_html` for a str, with `PARSER` (None: not HTML)."""
    beginning = html[:50].lower()
    html = repair_faulty_html(html, beginning)
    tree: HtmlElement | None = None
    try:
        tree = lxml.html.fromstring(html, parser=PARSER)
    except ValueError:  # a str carrying an encoding declaration: parse its bytes
        pass
    except etree.LxmlError:
        return None
    if tree is None or len(tree) < 1:
        tree = _from_bytes(html)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=PARSER)
    except (ValueError, etree.LxmlError):
        return None

"""Whether an author sits in one of a page's customer reviews ('<div itemtype=".../Review">'
after '<div itemtype=".../Review">' on a product page): a reviewer, not the page's author.

A review article is one Review item whose author is the page's; a list of them is the readers'.
"""

from __future__ import annotations

from lxml import html as lxml_html

__all__ = ["in_review_list", "schema_type"]


def schema_type(el: lxml_html.HtmlElement) -> str:
    """The schema.org type an element's microdata names ("Review" for ".../Review"), or ""."""
    return el.get("itemtype", "").rstrip("/").rsplit("/", 1)[-1]


def _is_review(el: lxml_html.HtmlElement) -> bool:
    return schema_type(el) == "Review"


def in_review_list(el: lxml_html.HtmlElement) -> bool:
    """Whether an element sits in a Review item that has another Review item beside it."""
    for anc in el.iterancestors():
        if _is_review(anc):
            parent = anc.getparent()
            if parent is None:
                return False
            return any(s is not anc and _is_review(s) for s in parent.iterchildren(anc.tag))
    return False

"""Blocks of an extracted body, and their rendering as plain text and as Markdown.

Trafilatura hands back its own small XML dialect (p, head, list/item, quote, code, table/row/cell,
hi, ref, lb). We flatten it into a list of `Block`s once, so that the body extractor can judge,
drop or keep each paragraph on its own evidence, and render both outputs from the same survivors:
the plain text and the Markdown can then never disagree about what the body is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(\s)", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of a body.

    `kind` is one of paragraph, heading, item, quote, code, table; `level` is the heading level
    (1-6) or the list depth (1 = top level); `link_chars` counts characters of text inside links,
    the main evidence that a block is navigation rather than prose.
    """

    kind: str
    text: str
    markdown: str
    level: int = 0
    link_chars: int = 0
    ordered: bool = False
    group: int = 0  # blocks of one list or one table share a group number

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def clean_space(text: str) -> str:
    """Collapse runs of spaces inside lines and drop blank lines."""
    if "\n" not in text:  # most blocks are one line
        return _SPACES.sub(" ", text).strip()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _inline(el: etree._Element, links: list[int], base: str | None) -> tuple[str, str]:
    """(plain, markdown) of an element's mixed content; adds link text length to links[0]."""
    plain: list[str] = [el.text or ""]
    md: list[str] = [_escape(el.text or "")]
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "lb":
            plain.append("\n")
            md.append("\n")
        elif tag in ("list", "table"):  # nested structure inside a paragraph: keep its words
            sub = clean_space(" ".join(child.itertext()))
            plain.append(f"\n{sub}\n")
            md.append(f"\n{_escape(sub)}\n")
        elif tag:
            p, m = _inline(child, links, base)
            words = p.strip()
            if tag == "ref":
                links[0] += len(clean_space(p))
                target = _resolve(child.get("target") or "", base)
                if words and target:
                    m = f"[{m.strip()}]({target.replace(')', '%29').replace(' ', '%20')})"
            elif tag == "hi" and words:
                rend = child.get("rend") or ""
                mark = "**" if "#b" in rend else "*" if ("#i" in rend or "#u" in rend) else ""
                m = f"{mark}{m.strip()}{mark}" if mark else m
            plain.append(p)
            md.append(m)
        plain.append(child.tail or "")
        md.append(_escape(child.tail or ""))
    return "".join(plain), "".join(md)


def _resolve(target: str, base: str | None) -> str:
    """An absolute http(s) link target, or "" for anchors, scripts and unparseable targets."""
    target = target.strip()
    if target.startswith(("http://", "https://")):
        return target
    if not base or not target or target.startswith(("#", "javascript:", "mailto:", "data:")):
        return target if target.startswith("mailto:") else ""
    try:
        return urljoin(base, target)
    except ValueError:
        return ""


def _text(el: etree._Element, base: str | None) -> tuple[str, str, int]:
    links = [0]
    plain, md = _inline(el, links, base)
    return clean_space(plain), clean_space(md), links[0]


def _md_line_safe(md: str) -> str:
    """Escape what would start a Markdown block inside a paragraph (a leading '#', '-', '1.')."""
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", md)


def blocks_from_xml(body: etree._Element, base_url: str | None = None) -> list[Block]:
    """Flatten trafilatura's body element into blocks, in document order."""
    out: list[Block] = []
    counter = iter(range(1, 1 << 30))

    def visit(el: etree._Element, depth: int, group: int) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "list":
            gid = group if depth and group else next(counter)  # nested: one list
            ordered = (el.get("rend") or "") == "ol"
            for item in el:
                if not isinstance(item.tag, str):
                    continue
                nested = [c for c in item if c.tag == "list"]
                for c in nested:
                    item.remove(c)  # rendered after the item itself, one level deeper
                plain, md, links = _text(item, base_url)
                if plain:
                    out.append(Block("item", plain, md, depth + 1, links, ordered, gid))
                for c in nested:
                    visit(c, depth + 1, gid)
        elif tag == "table":
            gid = next(counter)
            for row in el.iter("row"):
                cells = [_text(c, base_url) for c in row if c.tag == "cell"]
                plain = " | ".join(c[0] for c in cells if c[0])
                if plain:
                    md = "| " + " | ".join(c[1].replace("\n", " ") for c in cells) + " |"
                    out.append(Block("table", plain, md, 0, sum(c[2] for c in cells), False, gid))
        elif tag == "quote" and any(c.tag in ("p", "list", "head", "quote") for c in el):
            for child in el:
                before = len(out)
                visit(child, depth, group)
                for i in range(before, len(out)):
                    b = out[i]
                    out[i] = Block("quote", b.text, b.markdown, b.level, b.link_chars)
        elif tag in ("div", "body", "section", "article"):
            for child in el:
                visit(child, depth, group)
        elif tag:
            plain, md, links = _text(el, base_url)
            if plain:
                kind = {"head": "heading", "quote": "quote", "code": "code"}.get(tag, "paragraph")
                level = _heading_level(el) if kind == "heading" else 0
                if kind == "code":
                    md = "".join(el.itertext()).strip("\n")
                out.append(Block(kind, plain, md, level, links, False, group))
        if depth == 0 and el.tail and el.tail.strip() and el.getparent() is not None:
            tail = clean_space(el.tail)
            out.append(Block("paragraph", tail, _escape(tail)))

    for child in body:
        visit(child, 0, 0)
    return out


def _heading_level(el: etree._Element) -> int:
    rend = el.get("rend") or ""
    return int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456" else 2


_HTML_TO_XML = {
    "p": "p",
    "ul": "list",
    "ol": "list",
    "li": "item",
    "blockquote": "quote",
    "pre": "code",
    "table": "table",
    "tr": "row",
    "td": "cell",
    "th": "cell",
    "a": "ref",
    "br": "lb",
    "b": "hi",
    "strong": "hi",
    "i": "hi",
    "em": "hi",
    **{f"h{n}": "head" for n in range(1, 7)},
}
_BLOCK_TAGS = {"p", "list", "quote", "code", "table", "head", "div"}


def blocks_from_html(
    root: etree._Element, base_url: str | None = None, private: bool = False
) -> list[Block]:
    """Blocks of a clean HTML fragment (readability's summary), via trafilatura's dialect.
    Tags are renamed in place: a `private` tree (a copy nobody else holds) is used as is."""
    root = root if private else deepcopy(root)
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        new = _HTML_TO_XML.get(tag, "div" if tag in ("div", "section", "article", "main") else "")
        if tag in ("ul", "ol") or new == "head":
            el.set("rend", tag)
        elif new == "hi":
            el.set("rend", "#b" if tag in ("b", "strong") else "#i")
        elif new == "ref":
            el.set("target", el.get("href") or "")
        el.tag = new or "span"
    etree.strip_tags(root, "span")
    root.tag = "div"
    for div in [root, *root.iter("div")]:
        _wrap_loose(div)
    return blocks_from_xml(root, base_url)


def _wrap_loose(div: etree._Element) -> None:
    """Text and inline elements sitting directly in a container become paragraphs of their own."""
    out: list[etree._Element] = []
    run: etree._Element | None = None
    if (div.text or "").strip():
        run = etree.Element("p")
        run.text = div.text
    div.text = None
    for child in list(div):
        div.remove(child)
        if child.tag in _BLOCK_TAGS:
            if run is not None:
                out.append(run)
            tail, child.tail, run = child.tail, None, None
            out.append(child)
            if (tail or "").strip():
                run = etree.Element("p")
                run.text = tail
        else:
            if run is None:
                run = etree.Element("p")
            run.append(child)
    if run is not None:
        out.append(run)
    div.extend(out)


def blocks_from_text(text: str) -> list[Block]:
    """Blocks of a plain text (a JSON-LD articleBody, say): one paragraph per non-empty line."""
    return [Block("paragraph", line, _escape(line)) for line in clean_space(text).split("\n")]


def _groups(blocks: Iterable[Block]) -> Iterator[list[Block]]:
    """Runs of consecutive blocks that render as one unit (one list, one table)."""
    run: list[Block] = []
    for b in blocks:
        if run and not (
            b.kind == run[-1].kind and b.kind in ("item", "table") and b.group == run[-1].group
        ):
            yield run
            run = []
        run.append(b)
    if run:
        yield run


def to_text(blocks: Iterable[Block]) -> str:
    """Plain text: blocks separated by blank lines, the items of one list or table by newlines."""
    return "\n\n".join("\n".join(b.text for b in run) for run in _groups(blocks))


def _md_block(b: Block, number: int) -> str:
    if b.kind == "heading":
        return "#" * max(1, min(b.level, 6)) + " " + b.markdown.replace("\n", " ")
    if b.kind == "item":
        indent = "   " * (b.level - 1)
        marker = f"{number}." if b.ordered else "-"
        return indent + marker + " " + b.markdown.replace("\n", "\n" + indent + "  ")
    if b.kind == "quote":
        return "\n".join("> " + line for line in _md_line_safe(b.markdown).split("\n"))
    if b.kind == "code":
        return "```\n" + b.markdown + "\n```"
    if b.kind == "table":
        return b.markdown
    return _md_line_safe(b.markdown).replace("\n", "  \n")


def to_markdown(blocks: Iterable[Block]) -> str:
    """Markdown keeping headings, lists (numbered or not, nested), quotes, code and tables."""
    parts: list[str] = []
    for run in _groups(blocks):
        lines: list[str] = []
        numbers: dict[int, int] = {}  # next number of each list depth, reset when a level closes
        for i, b in enumerate(run):
            numbers = {d: n for d, n in numbers.items() if d <= b.level}
            numbers[b.level] = numbers.get(b.level, 0) + 1
            lines.append(_md_block(b, numbers[b.level]))
            if b.kind == "table" and i == 0:
                cols = b.markdown.count(" | ") + 1
                lines.append("|" + " --- |" * cols)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)

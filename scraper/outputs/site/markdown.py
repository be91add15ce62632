"""A tiny Markdown-to-HTML converter for the bodies the extractor writes, safe by construction.

It knows only what `scraper.extract.markdown` emits: headings, paragraphs, hard breaks, lists
(nested by indentation), quotes, fenced code, pipe tables, rules, and inline `**strong**`,
`*em*`, `` `code` `` and `[text](url)`. Every character of input reaches the output through
`esc`; the only tags written are fixed ones, and a link is made only for an http(s) URL. So no
input, however hostile, can produce markup of its own.
"""

from __future__ import annotations

import re

from scraper.outputs.site.html import REL_EXTERNAL, esc, safe_url

_INLINE = re.compile(
    r"\\(?P<esc>[\\`*_\[\]{}()#+\-.!|>~])"
    r"|`(?P<code>[^`]+)`"
    r"|!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<src>[^)\s]*)\)"
    r"|\[(?P<text>(?:\\.|[^\]\\])+)\]\((?P<href>(?:[^()\s]|\([^()\s]*\))+)\)"
    r"|\*\*(?P<strong>(?:\\.|[^\\])+?)\*\*"
    r"|\*(?P<em>[^*\s](?:(?:\\.|[^*\\])*[^*\s\\])?)\*"
)
_HEADING = re.compile(r"#{1,6}\s+(.*)")
_ITEM = re.compile(r"( *)([-*+]|\d{1,9}[.)])\s+(.*)")
_RULE = re.compile(r"(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}")
MAX_QUOTE_DEPTH = 8  # deeper quotes are shown as text: hostile input must not exhaust the stack
_TABLE_SEP = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")


def inline(text: str) -> str:
    """Inline Markdown as HTML; everything that is not a recognised mark is escaped text."""
    out: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[pos : match.start()]))
        pos = match.end()
        kind = match.lastgroup
        if kind == "esc":
            out.append(esc(match["esc"]))
        elif kind == "code":
            out.append(f"<code>{esc(match['code'])}</code>")
        elif kind == "src":
            out.append(f'<span class="muted">[image: {inline(match["alt"]) or "untitled"}]</span>')
        elif kind == "href":
            label, target = inline(match["text"]), safe_url(match["href"])
            out.append(
                f'<a href="{esc(target)}" rel="{REL_EXTERNAL}">{label}</a>' if target else label
            )
        elif kind == "strong":
            out.append(f"<strong>{inline(match['strong'])}</strong>")
        elif kind == "em":
            out.append(f"<em>{inline(match['em'])}</em>")
    out.append(esc(text[pos:]))
    return "".join(out)


def _paragraph(lines: list[str]) -> str:
    parts = [inline(line.rstrip()) + ("<br>" if line.endswith("  ") else "") for line in lines]
    return "<p>" + "\n".join(parts).removesuffix("<br>") + "</p>"


def _list(lines: list[str]) -> str:
    """Items nested by indentation; a line without a marker continues the item above."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, "ul"/"ol") of the lists open
    for line in lines:
        match = _ITEM.fullmatch(line)
        if match is None:
            if stack:
                out.append("<br>" + inline(line.strip()))
            continue
        indent, tag = len(match[1]), "ol" if match[2][0].isdigit() else "ul"
        while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][1] != tag)):
            out.append(f"</li></{stack.pop()[1]}>")
        if stack and stack[-1][0] == indent:
            out.append("</li>")
        else:
            out.append(f"<{tag}>")
            stack.append((indent, tag))
        out.append("<li>" + inline(match[3]))
    while stack:
        out.append(f"</li></{stack.pop()[1]}>")
    return "".join(out)


def _table(lines: list[str]) -> str:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    head = rows[0] if len(lines) > 1 and _TABLE_SEP.fullmatch(lines[1].strip()) else None
    body = rows[2:] if head else rows
    out = ["<table>"]
    if head:
        out.append("<tr>" + "".join(f"<th>{inline(c)}</th>" for c in head) + "</tr>")
    out += ["<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>" for row in body]
    return "".join(out) + "</table>"


def _block(lines: list[str], heading_shift: int, depth: int) -> str:
    first = lines[0]
    if first.startswith(">") and depth < MAX_QUOTE_DEPTH:
        inner = [line[1:].removeprefix(" ") if line.startswith(">") else line for line in lines]
        return f"<blockquote>{to_html(chr(10).join(inner), heading_shift, depth + 1)}</blockquote>"
    if heading := _HEADING.fullmatch(first):
        level = min(6, len(first) - len(first.lstrip("#")) + heading_shift)
        rest = _paragraph(lines[1:]) if lines[1:] else ""
        return f"<h{level}>{inline(heading[1].strip().rstrip('#').strip())}</h{level}>{rest}"
    if _ITEM.fullmatch(first):
        return _list(lines)
    if first.startswith("|"):
        return _table(lines)
    if len(lines) == 1 and _RULE.fullmatch(first.strip()):
        return "<hr>"
    return _paragraph(lines)


def to_html(markdown: str, heading_shift: int = 1, depth: int = 0) -> str:
    """Markdown as HTML; headings move down `heading_shift` levels (the page has its own h1)."""
    out: list[str] = []
    block: list[str] = []
    code: list[str] | None = None
    for raw in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if code is not None:
            if raw.strip().startswith("```"):
                out.append(f"<pre><code>{esc(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(raw)
            continue
        if raw.strip().startswith("```"):
            if block:
                out.append(_block(block, heading_shift, depth))
                block = []
            code = []
        elif raw.strip():
            block.append(raw)
        elif block:
            out.append(_block(block, heading_shift, depth))
            block = []
    if code is not None:
        out.append(f"<pre><code>{esc(chr(10).join(code))}</code></pre>")
    if block:
        out.append(_block(block, heading_shift, depth))
    return "\n".join(out)

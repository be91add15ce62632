"""Article body extraction: trafilatura's candidate, judged block by block, checked by readability.

Trafilatura finds the article region well but keeps what sits inside it: the headline, the
standfirst, newsletter boxes, "Related:" lists, share bars, copyright lines, date stamps. Running
several full extractors on every page and voting costs too much time (each takes 10-20 ms), so:

1. trafilatura runs once, in its fast mode, on a tree parsed once, cut to the article's region
   when the page shows one (`regions.article_region`: the element holding the headline and most
   of the page's prose; trafilatura's cost grows with the elements it reads, and the header,
   menus, sidebars and footer around that element are never body);
2. each block is weighed on cheap evidence (`verdicts`): the page's own title and JSON-LD
   headline, link density (navigation and teaser lists are mostly link text, prose is not),
   `boilerplate.PHRASES` (disclaimers, subscribe/share prompts, copyright and credit lines),
   position (a "Related" lead opens a teaser list; headings before the first prose paragraph are
   headline, kicker or standfirst) and short date or contact lines;
3. the element holding most of the kept paragraphs (`regions`) is weighed against them: text
   lost between them in that element (the headings and lists trafilatura's recovery drops) is
   read back from it, a list a paragraph announces with a colon is put back, and paragraphs far
   from it (footers, sidebars, author boxes) are dropped;
4. other candidates are paid for only when the evidence says the first one failed: trafilatura's
   full cascade when the fast pass found (almost) nothing or dumped navigation, a JSON-LD
   `articleBody` when both are short, the full cascade again when the page holds far more prose
   than we kept (its cut wins when what it adds lies in the element holding our paragraphs: the
   rest of the article, not other posts' excerpts), and readability-lxml when the page still
   holds far more prose than we kept or our text is one undivided layout cell (readability
   reads the whole page: on the region alone it did worse). Its cut replaces ours only when
   the two agree: it contains ours and more, or it is a clean part of our blob.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from readability import Document
from trafilatura import bare_extraction

from scraper.extract.boilerplate import phrase_kind
from scraper.extract.markdown import (
    Block,
    blocks_from_html,
    blocks_from_text,
    blocks_from_xml,
    to_markdown,
    to_text,
)
from scraper.extract.parse import load_page
from scraper.extract.regions import (
    announced_lists,
    article_holder,
    article_region,
    far_from_the_text,
    holds_more,
    paragraph_elements,
    rest_of_article,
    restore_structure,
    shingles,
)
from scraper.models import Body

MIN_BODY_WORDS = 5  # fewer words than this is a label or a link, not an article
MIN_BODY_CHARS = 500  # below this the fast pass is deemed to have missed the article
# when the page holds this many times more prose (long <p> text) than we kept, ask readability
MISSED_RATIO = 2.0
PROSE_AFTER_LIST = 3  # a link list with this many prose paragraphs after it is in the text
STANDFIRST_WORDS = 10  # a heading this long above the text is a standfirst, not a section's name
BLOB_CHARS = 2500  # a single unbroken block this long is a layout cell, not a paragraph
_WORD = re.compile(r"\w+")
_TAGS = re.compile(r"<[^>]+>")
# a short line that is mostly a date or a time: "UPDATED: Tue., Nov. 19, 2019", "5:45 AM PST"
_DATELINE = re.compile(r"\b((19|20)\d\d|\d{1,2}[:h]\d\d|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b")
_ASCII_TEXT = re.compile(r"[\t\n\r\x20-\x7e]*")  # printable or space: no need to count
_STAMP = re.compile(r"[\d\W_]{2,}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_SHORTCODE = re.compile(r"\[/\w+\]|\[\w+ \w+=")
# Chinese and Japanese are written without spaces between words: two Han or kana characters
# count as one word (their words average one and a half to two characters), so that the word
# thresholds below mean for them what they mean for spaced languages
_SENTENCE_ENDS = (".", "!", "?", '"', "”", ":", "。", "！", "？", "」", "：")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Page:
    """What the page says about itself that helps judge blocks."""

    titles: tuple[str, ...]  # normalised title, og:title, JSON-LD headline
    ld_body: str  # the longest JSON-LD articleBody, tags stripped ("" if none)


def extract_body(html: str, url: str | None = None) -> Body:
    """The article body of a page as text and Markdown; never raises (see `Body.error`)."""
    try:
        return _extract(html, url)
    except Exception as err:  # any parser or extractor failure becomes a reason, not a crash
        return Body("", "", f"extraction failed: {type(err).__name__}: {err}"[:300])


def _extract(html: str, url: str | None) -> Body:
    problem = _input_problem(html)
    if problem:
        return Body("", "", problem)
    tree = load_page(html)
    if tree is None or len(tree) == 0:
        return Body("", "", "unparseable HTML")
    page = _page_facts(tree)
    _drop_ad_slots(tree)
    where, prose = paragraph_elements(tree, _is_prose_text)
    prose_chars = sum(n for _, n in prose)
    region = article_region(tree, prose)
    article = tree if region is None else region  # what trafilatura reads
    blocks = _trafilatura_blocks(article, url, fast=True)
    full: list[Block] | None = None
    if _chars(blocks) < MIN_BODY_CHARS or _is_dump(blocks):
        full = _trafilatura_blocks(article, url, fast=False)
        if _is_dump(blocks):
            blocks = full if _prose_share(full) > _prose_share(blocks) else blocks
        else:
            blocks = full if _chars(full) > _chars(blocks) else blocks
    if _chars(blocks) < MIN_BODY_CHARS and len(page.ld_body) > _chars(blocks):
        blocks = blocks_from_text(page.ld_body)
    kept = select_blocks(blocks, page)
    holder = article_holder(where, kept)
    kept = restore_structure(
        where, kept, holder, lambda copy: select_blocks(blocks_from_html(copy, url, True), page)
    )
    kept = announced_lists(where, far_from_the_text(where, kept, holder))
    if full is None and _chars(kept) * MISSED_RATIO < prose_chars:
        # the fast pass may have stopped part-way through the article: the full cascade's
        # cut replaces ours when what it adds sits in the element that holds ours
        kept = rest_of_article(
            where, kept, select_blocks(_trafilatura_blocks(article, url, False), page)
        )
    if _is_blob(kept) or _chars(kept) * MISSED_RATIO < prose_chars:
        kept = _second_opinion(tree, url, page, kept)
    if not kept:
        return Body("", "", "no article body found" if not blocks else "body is all boilerplate")
    if not _has_words(kept, MIN_BODY_WORDS):
        return Body("", "", "no article body found (only a few words)")
    return Body(to_text(kept), to_markdown(kept), None)


# class or id tokens that mark an ad slot: its content rotates on every visit and is never body
_AD_TOKENS = frozenset(
    {
        "ad",
        "ads",
        "advert",
        "adverts",
        "advertisement",
        "advertising",
        "sponsored",
        "adsbygoogle",
        "dfp",
        "gpt-ad",
        "ad-slot",
        "ad-container",
        "ad-wrapper",
        "ad-unit",
        "adunit",
        "adslot",
        "advertisement-block",
    }
)
_AD_PREFIXES = ("ad-", "ads-", "advert-", "dfp-", "google-ad")
_CLASS_OR_ID = etree.XPath("//@class | //@id")


def _is_ad_token(token: str) -> bool:
    token = token.lower()
    return token in _AD_TOKENS or token.startswith(_AD_PREFIXES)


def _drop_ad_slots(tree: HtmlElement) -> None:
    """Remove ad slots before extraction, so a rotated ad never reads as an edit."""
    for value in _CLASS_OR_ID(tree):  # attribute values, no element made for the others
        names = value.lower()
        if "ad" not in names and "sponsored" not in names and "dfp" not in names:
            continue  # every ad token holds one of these: most values need no splitting
        element = value.getparent()
        if any(_is_ad_token(t) for t in names.split()) and element.getparent() is not None:
            element.drop_tree()


def _input_problem(html: object) -> str | None:
    """Why the input cannot be a page, checked before parsing (None: looks like HTML)."""
    if not isinstance(html, str):
        return f"expected HTML as str, got {type(html).__name__}"
    head = html[:2048]
    if not html.strip():
        return "empty HTML"
    if "\x00" in head or (
        not (head.isascii() and _ASCII_TEXT.fullmatch(head))
        and sum(not (c.isprintable() or c.isspace()) for c in head) > len(head) // 10
    ):
        return "binary content, not HTML"
    if "<" not in html:
        return "no HTML markup"
    return None


def _has_words(blocks: list[Block], least: int) -> bool:
    """Whether the blocks hold at least `least` words (counted no further than that)."""
    words = 0
    for block in blocks:
        words += len(_WORD.findall(block.text))
        if words >= least:
            return True
    return False


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _trafilatura_blocks(tree: HtmlElement, url: str | None, fast: bool) -> list[Block]:
    doc = bare_extraction(
        tree,
        url=None,  # with a URL it resolves every link of the page; we resolve only the kept ones
        fast=fast,
        include_comments=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        with_metadata=False,
        output_format="xml",  # the "python" default also renders a text we do not use
    )
    body = getattr(doc, "body", None)
    return blocks_from_xml(body, url) if body is not None else []


def _prose_share(blocks: list[Block]) -> float:
    """Share of the text in lines of ten words or more: low for menus, tag clouds, archives."""
    lines = [line for b in blocks for line in b.text.split("\n")]
    total = sum(len(line) for line in lines)
    return sum(len(x) for x in lines if _gaps(x) >= 9) / total if total else 0.0


def _is_dump(blocks: list[Block]) -> bool:
    """A candidate that is a page's navigation dumped as text rather than an article."""
    lines = sum(b.text.count("\n") + 1 for b in blocks)
    return lines >= 50 and _prose_share(blocks) < 0.3


def _is_prose_text(text: str) -> bool:
    """A page paragraph that is prose: the page's prose is a ceiling on what a body can hold."""
    return len(text) > 80 and _gaps(text) >= 12


def _is_blob(blocks: list[Block]) -> bool:
    """A candidate whose text sits in one huge block (a layout cell): blocks cannot be judged."""
    return any(len(b.text) > BLOB_CHARS and b.kind in ("paragraph", "table") for b in blocks)


def _second_opinion(
    page_tree: HtmlElement, url: str | None, page: Page, ours: list[Block]
) -> list[Block]:
    """Readability's body instead of ours, when the evidence says it is the better cut.

    Theirs wins when it holds ours and clearly more prose besides (we missed part of the
    article), or when ours is one undivided blob and theirs is a clean part of it. Readability
    reads the page as we parsed it, not a second parse; it changes the tree, so this is its
    last use.
    """
    # no url: readability would make every link of the page absolute (tens of ms on a large
    # page); blocks_from_html resolves the links of the kept blocks only
    summary = Document(page_tree).summary(html_partial=True)
    theirs = (
        select_blocks(blocks_from_html(lxml.html.fromstring(summary), url), page) if summary else []
    )
    mine, other = shingles(ours), shingles(theirs)
    if not other:
        return ours
    if holds_more(ours, theirs, mine, other):
        return theirs
    if _is_blob(ours) and not _is_blob(theirs) and len(mine & other) >= 0.9 * len(other):
        return theirs if _chars(theirs) >= 0.3 * _chars(ours) else ours
    return ours


# ------------------------------------------------------------------ page facts


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _page_facts(tree: HtmlElement) -> Page:
    titles = [t.text_content() for t in tree.iterfind(".//title")][:1]
    titles += tree.xpath("//meta[@property='og:title' or @name='twitter:title']/@content")
    ld_bodies: list[str] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        for node in _json_nodes(script.text_content()):
            headline = node.get("headline")
            if isinstance(headline, str):
                titles.append(headline)
            article_body = node.get("articleBody")
            if isinstance(article_body, str):
                ld_bodies.append(_TAGS.sub("\n", article_body))
    norm_titles = tuple(t for t in {_norm(str(x)) for x in titles} if t)
    return Page(norm_titles, max(ld_bodies, key=len, default=""))


def _json_nodes(text: str) -> Iterator[dict[str, object]]:
    """Every JSON object in a JSON-LD script, however nested (@graph, lists)."""
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(item)


# ------------------------------------------------------------------ judging blocks


def select_blocks(blocks: list[Block], page: Page) -> list[Block]:
    """The blocks that are article body, judged on the evidence described in the module doc."""
    return [b for b, why in zip(blocks, verdicts(blocks, page), strict=True) if why is None]


def verdicts(blocks: list[Block], page: Page) -> list[str | None]:
    """Why each block is not body (None: it is), so that every drop can be explained."""
    norms = [_norm(b.text) for b in blocks]
    words = [_gaps(n) + 1 if n else 0 for n in norms]
    kinds = [phrase_kind(b.text) for b in blocks]
    linky = [_is_linky(b, w) for b, w in zip(blocks, words, strict=True)]
    prose = [i for i, b in enumerate(blocks) if _is_prose(b, words[i])]
    first_prose = prose[0] if prose else len(blocks)
    last_prose = prose[-1] if prose else -1
    in_text = _lists_in_text(blocks, prose)
    nav_lists = _link_lists(blocks, words) - in_text
    out: list[str | None] = []
    teasers = ""  # "strong" after a "Related" heading, "weak" after an inline "Read more: ..."
    for i, block in enumerate(blocks):
        why: str | None = None
        if not norms[i] or not any(c.isalnum() for c in block.text):
            why = "no words"
        elif kinds[i] == "related":
            teasers = "strong" if words[i] <= 8 else "weak"
            out.append("related-articles lead")
            continue
        elif teasers and _is_teaser(block, words[i], linky[i], teasers == "strong"):
            out.append("related-articles item")
            continue
        elif kinds[i] is not None:
            why = f"boilerplate phrase ({kinds[i]})"
        elif _repeats_title(norms[i], page.titles, i):
            why = "repeats the title"
        elif block.kind == "heading" and i < first_prose and _heads_the_page(block, words[i]):
            why = "headline, kicker or standfirst"
        elif (
            block.kind in ("paragraph", "quote")
            and not first_prose < i < last_prose  # between paragraphs: the text's own dates
            and _is_dateline(block.text, words[i])
        ):
            why = "date line"
        elif words[i] <= 30 and _EMAIL.search(block.text):
            why = "contact line"
        elif _SHORTCODE.search(block.text):
            why = "unrendered shortcode"
        elif block.group in nav_lists:
            why = "link list"
        elif block.group in in_text and block.kind == "item":
            pass  # a list inside the article's text: its items are body, links or not
        elif linky[i] and ((i > 0 and linky[i - 1]) or (i + 1 < len(blocks) and linky[i + 1])):
            why = "run of links"
        elif linky[i] and (i < first_prose or _shouting(block.text)):
            why = "lone link outside the text" if i < first_prose else "link in capitals"
        teasers = ""
        out.append(why)
    return out


def _gaps(text: str) -> int:
    """Word boundaries in a text: its spaces, and one per two Han or kana characters."""
    return text.count(" ") + (0 if text.isascii() else len(_CJK.findall(text)) // 2)


def _heads_the_page(block: Block, words: int) -> bool:
    """A heading above the text that is the page's headline (<h1>) or a standfirst (a sentence
    set as a heading); a short lower heading opens the text's first section ("Introduction",
    "What is ...?")."""
    return block.level <= 1 or words >= STANDFIRST_WORDS


def _is_dateline(text: str, words: int) -> bool:
    """A short line carrying a date or time and little else (publication or update stamps)."""
    return (
        words <= 9
        and _DATELINE.search(text) is not None
        and not text.rstrip().endswith((".", "。"))
    )


def _is_linky(block: Block, words: int) -> bool:
    """A short block made (almost) only of link text that is not a bare URL or citation."""
    return (
        _link_share(block) >= 0.7
        and words <= 25
        and block.kind != "heading"
        and not block.text.lstrip().startswith(("http", "www.", "["))
    )


def _wordy_chars(text: str) -> int:
    """Length of a text with its runs of digits and punctuation counted as one character: the
    date, time or comment count printed beside a linked headline is not text of its own."""
    return len(_STAMP.sub(" ", text))


def _link_share(block: Block) -> float:
    """Link density of a block, a stamp beside its link not counted (see `_wordy_chars`)."""
    if not block.link_chars:
        return 0.0
    return min(1.0, block.link_chars / max(1, _wordy_chars(block.text)))


def _is_prose(block: Block, words: int) -> bool:
    return block.kind in ("paragraph", "quote") and words >= 12 and block.link_density < 0.5


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _lists_in_text(blocks: list[Block], prose: list[int]) -> set[int]:
    """Lists followed by `PROSE_AFTER_LIST` prose paragraphs or more: they sit inside the
    article's text (sources, steps, the changes a report lists), where related-article boxes
    come at its end. Their items are body whatever their links."""
    last: dict[int, int] = {}
    for i, b in enumerate(blocks):
        if b.kind == "item" and b.group:
            last[b.group] = i
    return {
        g for g, i in last.items() if len(prose) - bisect.bisect_right(prose, i) >= PROSE_AFTER_LIST
    }


def _link_lists(blocks: list[Block], words: list[int]) -> set[int]:
    """Lists whose items are mostly links or teasers (a linked headline over a summary line).

    A teaser list holding most of the candidate's text is the page itself (a directory, an
    events calendar), not a box beside it.
    """
    stats: dict[int, list[int]] = {}
    for b, w in zip(blocks, words, strict=True):
        if b.kind == "item" and b.group:
            s = stats.setdefault(b.group, [0, 0, 0, 0, 0])
            s[0] += b.link_chars
            s[1] += _wordy_chars(b.text)
            s[2] += w
            s[3] += 1
            s[4] += _is_teaser_item(b)
    total = _chars(blocks)
    return {
        g
        for g, (lc, chars, w, n, teasers) in stats.items()
        if (lc >= 0.7 * chars and w <= 15 * n)
        or (n >= 3 and teasers >= 0.7 * n and chars * 2 < total)
    }


def _is_teaser_item(block: Block) -> bool:
    """An item whose first line is a whole link and whose rest is a short summary."""
    first, _, rest = block.text.partition("\n")
    return bool(rest) and _gaps(first) < 15 and block.link_chars >= 0.9 * len(first)


def _is_teaser(block: Block, words: int, linky: bool, strong: bool) -> bool:
    """A line of the teaser list after a "Related" lead: a link list item or a short headline."""
    if linky or (block.kind == "item" and block.link_density > 0.5):
        return True
    unfinished = not block.text.rstrip().endswith(_SENTENCE_ENDS)
    return strong and (block.kind in ("item", "heading") or (words <= 15 and unfinished))


def _repeats_title(norm: str, titles: tuple[str, ...], index: int) -> bool:
    """A block that is the page's headline (the title may carry a site name around it)."""
    if index > 5 and len(norm) < 20:
        return False
    return any(norm == t or (norm in t and len(norm) * 2 >= len(t)) for t in titles)

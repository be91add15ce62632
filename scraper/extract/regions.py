"""Where the kept paragraphs sit in the page, and what else that region holds.

A candidate body is a list of blocks; the page is a tree. Finding the element that holds our
paragraphs lets two kinds of evidence be read from the page itself, not from site lists:

- the rest of one article: another cut adds text, and what it adds lies in the element holding
  our paragraphs (the article split over sections or tabs), not elsewhere (other posts' excerpts);
- the structure a recovery pass lost: when trafilatura finds no article container it falls back
  to reading loose paragraphs, and drops the headings, lists and tables between them. Those sit
  in the very element that holds our paragraphs, between them: they are the article's sections.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace
from functools import lru_cache

from lxml.html import HtmlElement

from scraper.extract.markdown import Block, blocks_from_html
from scraper.extract.parse import PARSER

HOLDER_LEVELS = 2  # how far above our paragraphs' common element the rest of the article may lie
MISSING_SHARE = 0.05  # structure lost between our paragraphs worth this share of ours: re-read
MISSING_CHARS = 150  # ... and at least this many characters
MISSING_HEADINGS = 2  # or this many section headings lost between our paragraphs: re-read
LINKY_LIST = 0.5  # a list this much link text is navigation, announced or not
FAR_AFTER = 2  # see far_from_the_text
FAR_BEFORE = 4
HOLDER_SHARE = 0.75  # the article's element holds this share of our paragraphs' text
REGION_SHARE = 0.9  # the article's region holds this share of the page's prose
_WORD = re.compile(r"\w+")
# what an article's element holds between its paragraphs: more paragraphs, and its structure
_STRUCTURE = ("p", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
# what cannot be an article's own structure, whatever sits between its paragraphs
_LISTS = ("ul", "ol", "dl", "table")
_NOT_TEXT = frozenset(
    {"nav", "aside", "footer", "form", "script", "style", "noscript", "button", "select"}
    | {"iframe", "svg", "template", "figure", "picture"}
)
# class or id names of boxes that sit inside an article's element without being its text
_PAGE_PARTS = re.compile(
    r"comment|respond|disqus|share|social|related|newsletter|subscribe|sidebar"
    r"|gallery|carousel|slideshow|caption|lightbox|modal"
)
_EMBEDS = re.compile(r"instagram|twitter|tiktok|facebook")


def chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


@lru_cache(maxsize=4096)  # each block is looked up by three rules
def lead(text: str) -> str:
    """The first words of a paragraph: enough to find its element in the page (Chinese and
    Japanese, written without spaces, give one long "word" per clause: cut at 60 characters)."""
    return " ".join(_WORD.findall(text[:400])[:8])[:60]


def _distinctive(first: str) -> bool:
    """Five words, or a long unspaced run (a Chinese clause): a key no other paragraph shares."""
    return first.count(" ") >= 4 or (len(first) >= 16 and not first.isascii())


def paragraph_elements(
    tree: HtmlElement, is_prose: Callable[[str], bool] = bool
) -> tuple[dict[str, HtmlElement], list[tuple[HtmlElement, int]]]:
    """The page's <p> elements by the first words they show (a block's way back to the page),
    and those that are prose by `is_prose` with their characters (one pass over the paragraphs)."""
    found: dict[str, HtmlElement] = {}
    prose: list[tuple[HtmlElement, int]] = []
    for p in tree.iter("p"):
        text = p.text_content()
        if is_prose(text):
            prose.append((p, len(text)))
        first = lead(text)
        if _distinctive(first):
            found.setdefault(first, p)
    return found, prose


def article_region(tree: HtmlElement, prose: list[tuple[HtmlElement, int]]) -> HtmlElement | None:
    """The element holding the headline and most of the page's prose paragraphs, copied into a
    page of its own: a reader of the article needs nothing around it, and trafilatura reads it
    in a fraction of the time the whole page takes. None when that element is the whole page
    (prose spread over the page, or a headline in the site's header)."""
    if len(prose) < 2:
        return None
    region = main_holder(prose)
    headline = next(tree.iter("h1"), None)
    if headline is not None:
        region = common_ancestor([region, headline])
    if region.tag in ("body", "html") or region.getparent() is None:
        return None
    inside = sum(n for p, n in prose if p is region or _within(p, region))
    if inside < REGION_SHARE * sum(n for _, n in prose):
        return None
    page = PARSER.makeelement("html")  # the parser's own classes, chosen in C (see parse.py)
    body = PARSER.makeelement("body")
    page.append(body)
    body.append(deepcopy(region))
    return page


def common_ancestor(elements: list[HtmlElement]) -> HtmlElement:
    """The innermost element holding all of them (at least one)."""
    chain = [elements[0], *elements[0].iterancestors()]
    depth = len(chain) - 1
    for element in elements[1:]:
        ancestors = {id(a) for a in (element, *element.iterancestors())}
        while depth > 0 and id(chain[len(chain) - 1 - depth]) not in ancestors:
            depth -= 1
    return chain[len(chain) - 1 - depth]


def shingles(blocks: list[Block]) -> set[tuple[str, ...]]:
    words = _WORD.findall(" ".join(b.text for b in blocks))
    return {tuple(words[i : i + 4]) for i in range(max(0, len(words) - 3))}


def holds_more(
    ours: list[Block], theirs: list[Block], mine: set[tuple[str, ...]], other: set[tuple[str, ...]]
) -> bool:
    """Their cut holds (most of) ours and clearly more besides: we missed part of the article."""
    return chars(theirs) >= 1.5 * chars(ours) and len(mine & other) >= 0.8 * len(mine)


Where = dict[str, HtmlElement]  # the page's paragraphs by their first words (see below)


def locate(where: Where, blocks: list[Block]) -> list[tuple[int, HtmlElement]]:
    """Each block found in the page, with its index: the element its first words open."""
    return [(i, e) for i, b in enumerate(blocks) if (e := where.get(lead(b.text))) is not None]


def rest_of_article(where: Where, ours: list[Block], theirs: list[Block]) -> list[Block]:
    """Their cut when it holds ours and clearly more, and most of what it adds lies inside the
    element that holds our paragraphs (the rest of one article, not the excerpts of other posts
    or a promotion bar elsewhere on the page); else ours."""
    mine = shingles(ours)
    if not holds_more(ours, theirs, mine, shingles(theirs)):
        return ours
    found = [e for _, e in locate(where, ours)]
    if len(found) < 2:  # one paragraph does not show which element holds the article
        return ours
    holder = common_ancestor(found)
    for _ in range(HOLDER_LEVELS):  # an article is often split in sibling sections or tabs
        holder = holder.getparent() if holder.getparent() is not None else holder
    inside = outside = 0
    for block in theirs:
        element = where.get(lead(block.text))
        if element is None or len(shingles([block]) & mine) > 0:
            continue
        if any(a is holder for a in element.iterancestors()):
            inside += len(block.text)
        else:
            outside += len(block.text)
    return theirs if inside > 2 * outside else ours


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def lost_structure(holder: HtmlElement, found: list[HtmlElement], ours: str, enough: float) -> bool:
    """Whether the paragraphs, headings, list items and table cells lying between the first and
    last of our paragraphs `found` in the holder, not ours and whose words our text does not
    show, reach `enough` characters, or count `MISSING_HEADINGS` section headings (short, they
    weigh little in a long text, yet they are its sections' names)."""
    first, last, kept = found[0], found[-1], {id(e) for e in found}  # found: alive, ids stable
    inside = False
    missing = headings = 0
    for element in holder.iter(*_STRUCTURE):  # first and last are <p> elements
        if element is first:
            inside = True
        elif element is last:
            break
        elif inside and id(element) not in kept:
            text = _norm(element.text_content())
            if len(text) >= 3 and text not in ours:
                missing += len(text)
                headings += element.tag in _HEADINGS
                if missing >= enough or headings >= MISSING_HEADINGS:
                    return True
    return False


def main_holder(found: list[tuple[HtmlElement, int]]) -> HtmlElement:
    """The innermost element holding most (`HOLDER_SHARE`) of these paragraphs' text (each
    given with its length): a stray paragraph elsewhere (a footer line, a caption) does not
    widen it to the whole page."""
    weight: dict[int, int] = {}
    elements: dict[int, tuple[HtmlElement, int]] = {}  # id -> (element, depth)
    total = 0
    for p, size in found:
        total += size
        chain = [p, *p.iterancestors()]
        for depth, a in enumerate(reversed(chain)):
            weight[id(a)] = weight.get(id(a), 0) + size
            elements[id(a)] = (a, depth)
    chosen = max(
        (key for key, w in weight.items() if w >= HOLDER_SHARE * total),
        key=lambda key: elements[key][1],
    )
    return elements[chosen][0]


def article_holder(where: Where, ours: list[Block]) -> HtmlElement | None:
    """The element holding most of our paragraphs' text (`main_holder`), if it is not the whole
    page: what the region rules below measure against."""
    found = [e for _, e in locate(where, ours)]
    if len(found) < 2:
        return None
    holder = main_holder([(e, len(e.text_content())) for e in found])
    return None if holder.tag in ("body", "html") or holder.getparent() is None else holder


def restore_structure(
    where: Where,
    ours: list[Block],
    holder: HtmlElement | None,
    read: Callable[[HtmlElement], list[Block]],
) -> list[Block]:
    """The element holding our paragraphs read again, block by block (`_holder_copy`, then
    `read`: our own reading of it, not trafilatura's, which prunes what it prunes the first time
    and costs ten times more), when it holds paragraphs, headings, lists or tables between ours
    that our cut lost. Their cut replaces our blocks from
    that element, kept from their first to their last block that is ours (what a container adds
    before or after its text is not body); our blocks outside it stay, and are not repeated."""
    if holder is None:
        return ours
    located = locate(where, ours)
    inside = [(i, e) for i, e in located if e is holder or _within(e, holder)]
    if len(inside) < 2:
        return ours
    first, last = inside[0][0], inside[-1][0]
    text = _norm(" ".join(b.text for b in ours[first : last + 1]))
    enough = max(MISSING_CHARS, MISSING_SHARE * len(text))
    if not lost_structure(holder, [e for _, e in inside], text, enough):
        return ours
    theirs = read(_holder_copy(holder))
    # shingles of each block apart: where blocks meet is no evidence (a block left out, or put
    # back between two, changes the shingles across their boundary)
    mine = set().union(*(shingles([b]) for b in ours[first : last + 1]))
    each = [shingles([b]) for b in theirs]
    if len(mine & set().union(*each)) < 0.9 * len(mine):
        return ours
    span = [i for i, b in enumerate(theirs) if each[i] & mine or _norm(b.text) in text]
    if not span:
        return ours
    outside = {_norm(b.text) for b in (*ours[:first], *ours[last + 1 :])}
    middle = [b for b in theirs[span[0] : span[-1] + 1] if _norm(b.text) not in outside]
    return [*ours[:first], *middle, *ours[last + 1 :]]


def _within(element: HtmlElement, holder: HtmlElement) -> bool:
    return any(a is holder for a in element.iterancestors())


def _holder_copy(holder: HtmlElement) -> HtmlElement:
    """A copy of the holder, wrapped, without what sits in an article's element but is not its
    text: navigation, forms and scripts, boxes named for comments, sharing, related links,
    newsletters or a sidebar, and embedded posts (their text is the embed's fallback)."""
    copy = deepcopy(holder)
    copy.tail = None
    for element in list(copy.iter()):
        if element is copy or element.getparent() is None or not isinstance(element.tag, str):
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if (
            element.tag in _NOT_TEXT
            or _PAGE_PARTS.search(names)
            or (element.tag == "blockquote" and _EMBEDS.search(names))
        ):
            element.drop_tree()
    wrapper = PARSER.makeelement("div")
    wrapper.append(copy)
    return wrapper


def announced_lists(where: Where, ours: list[Block]) -> list[Block]:
    """Ours with the lists and tables our paragraphs announce put back after them.

    A paragraph ending in a colon ("These are the main findings:") introduces what follows it
    in the page; when that is a list or table of text (not of links) that our cut dropped, it
    is the article's own and goes back right after its paragraph."""
    out: list[Block] = []
    text = ""
    group = max((b.group for b in ours), default=0)
    for i, block in enumerate(ours):
        out.append(block)
        if block.kind != "paragraph" or not block.text.rstrip().endswith((":", "：")):
            continue
        if i + 1 < len(ours) and ours[i + 1].kind in ("item", "table"):
            continue
        if not text:
            text = _norm(" ".join(b.text for b in ours))
        element = where.get(lead(block.text))
        listing = _announced(element) if element is not None else None
        if listing is None or _norm(" ".join(listing.itertext())) in text:
            continue
        wrapper = PARSER.makeelement("div")
        wrapper.append(deepcopy(listing))
        added = blocks_from_html(wrapper)
        out.extend(replace(b, group=b.group + group) for b in added)
        group += max((b.group for b in added), default=0)
    return out


def _announced(paragraph: HtmlElement) -> HtmlElement | None:
    """The list or table right after a paragraph (alone in a wrapper or not), if mostly text."""
    following = paragraph.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is not None and following.tag in ("div", "section") and len(following) == 1:
        following = following[0]
    if following is None or following.tag not in _LISTS:
        return None
    words = len(" ".join(following.itertext()))
    links = sum(len(" ".join(a.itertext())) for a in following.iter("a"))
    return following if words and links < LINKY_LIST * words else None


def far_from_the_text(where: Where, ours: list[Block], holder: HtmlElement | None) -> list[Block]:
    """Ours without the blocks that lie far from the element holding the article.

    A paragraph after the article (in the page's order) whose nearest shared element with the
    article's holder is `FAR_AFTER` levels above it or more (a footer, a sidebar, a newsletter
    form, an author box in another column) is the page's, not the text's; before the text,
    where standfirsts and intros sit in their own headers, only `FAR_BEFORE` levels or more. A
    sibling container (one level up) is the same article split in parts and stays. Blocks that
    cannot be found in the page (headings, items) outside the text go with the paragraph
    before them.
    """
    if holder is None:
        return ours
    located = locate(where, ours)
    inside = [i for i, e in located if e is holder or _within(e, holder)]
    if not inside:
        return ours
    far = {i: _is_far(holder, e) for i, e in located}
    out: list[Block] = []
    dropping = False
    for i, block in enumerate(ours):
        dropping = far.get(i, dropping and not inside[0] <= i <= inside[-1])
        if not dropping:
            out.append(block)
    return out


def _is_far(holder: HtmlElement, element: HtmlElement) -> bool:
    """Whether an element lies `FAR_AFTER` levels from the holder after it, `FAR_BEFORE` before."""
    if element is holder or _within(element, holder):
        return False
    chain = [element, *element.iterancestors()]  # alive: a node's proxy, and its id, stays one
    ancestors = {id(a): n for n, a in enumerate(chain)}
    branch = holder
    for levels, shared in enumerate(holder.iterancestors(), start=1):
        if id(shared) in ancestors:
            after = shared.index(chain[ancestors[id(shared)] - 1]) > shared.index(branch)
            return levels >= (FAR_AFTER if after else FAR_BEFORE)
        branch = shared
    return False

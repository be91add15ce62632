"""Site boilerplate: phrases every news site uses, and blocks one source repeats on every page.

Two kinds of evidence, both about single paragraphs (or lines: a list item is a line):

- `PHRASES`, a built-in table of disclaimers, share/subscribe prompts, copyright lines and
  "read more" leads in English, French, German and Spanish (a few Italian/Portuguese ones too),
  with the related-article leads, share, subscribe, comment, copyright and advertisement labels
  of Polish, Russian, Greek and Chinese news sites in `OTHER_LANGUAGES`. It works with zero
  pages learned; add a line to extend it.
- `BoilerplateModel`, learned from bodies already archived for one source: a line seen on at
  least `min_pages` distinct pages is the site's template (a disclaimer, a newsletter box, the
  author's footer), not article text. Lines are compared by a normalised hash (case, digits and
  punctuation ignored) so "© 2019" and "© 2020" are the same footer. It persists as JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from scraper.models import Body, LineFacts

# (what it is, pattern). Patterns are matched at the start of a block, lower-cased, with
# typographic quotes made plain; a pattern ending in "$" must cover the whole block.
PHRASES: tuple[tuple[str, str], ...] = (
    # disclaimers
    ("disclaimer", r"(avis de non-responsabilit|disclaimer ?:|haftungsausschluss ?:)"),
    ("disclaimer", r"descargo de responsabilidad"),
    ("disclaimer", r"les (opinions|propos) exprim[ée]s dans (cet|cette|ce) "),
    ("disclaimer", r"the (views|opinions) expressed (in|by) (this|the) "),
    ("disclaimer", r"(die|der) in diesem (artikel|beitrag) (ge[äa]u(ss|ß)erten?|vertretenen?) "),
    ("disclaimer", r"las opiniones expresadas en (este|esta) "),
    ("disclaimer", r"this (copy|article) is for your personal,? non-commercial use"),
    ("disclaimer", r"if you (buy|purchase) something (through|via|from) (this|a link|our)"),
    ("disclaimer", r"(we|this site) may (earn|get|receive) (a|an) (commission|share)"),
    # copyright
    ("copyright", r"(copyright|\(c\)|©|ⓒ) ?(©|\(c\))? ?.{0,60}(19|20)\d\d"),
    ("copyright", r".{0,160}(©|ⓒ|\(c\) (19|20)\d\d)"),
    ("copyright", r"(copyright|©|ⓒ) .{0,80}(all rights reserved|tous droits|alle rechte|derechos)"),
    ("copyright", r".{0,80}(all rights reserved|tous droits réservés|alle rechte vorbehalten)\W*$"),
    ("copyright", r".{0,80}(todos los derechos reservados|reproduction interdite)\W*$"),
    # share bars
    ("share", r"(share|partager|teilen|compartir|condividi)\W*$"),
    ("share", r"share (this|the) (article|story|post|page)"),
    ("share", r"(like|enjoy(ed)?) this (story|article)\W+share it"),
    ("share", r"share (on|via) (facebook|twitter|whatsapp|linkedin|email)"),
    ("share", r"partager (cet|sur) "),
    ("share", r"(diesen )?(artikel|beitrag) teilen"),
    ("share", r"compartir (en|este) "),
    ("share", r"((facebook|twitter|whatsapp|linkedin|pinterest|e-?mail|google\+|print)\W*){2,}$"),
    # newsletters and subscriptions
    ("subscribe", r"(click here to |please )?(subscribe|sign up) (to|for) (our|the|my)\b"),
    ("subscribe", r"(subscribe|sign up) (now|today|here)\b"),
    ("subscribe", r".{0,60}(newsletters?|inbox)\W+(subscribe|sign up)"),
    ("subscribe", r"get (the|our) .{0,60}(delivered )?(to|in) your inbox"),
    ("subscribe", r"thanks? (you )?for (signing up|subscribing)"),
    ("subscribe", r"there was an error processing your subscription"),
    ("subscribe", r"(abonnez-vous|inscrivez-vous) "),
    ("subscribe", r"(jetzt )?(newsletter )?(abonnieren|bestellen)\W*$"),
    ("subscribe", r"melden sie sich (jetzt )?(für|zu) "),
    ("subscribe", r"(suscr[íi]bete|suscribirse|reg[íi]strate) "),
    ("subscribe", r"(already a subscriber|subscriber agreement)"),
    # follow us, apps
    ("follow", r"follow (us|@?\w+( \w+)?) on (twitter|facebook|instagram|linkedin)"),
    ("follow", r"(suivez-nous|folgen sie uns|s[íi]guenos) "),
    ("follow", r"(click here to |download )(get |download )?(the|our) .{0,40}app\b"),
    # "read more" leads and related-article lists
    ("related", r"(related|see also|see more|read more|read next|more|also read|also)\W*:"),
    ("related", r"(related|recommended|suggested) (reading|content|posts?|articles?|stories)\W*:"),
    ("related", r"(explore further|further reading|recommended|more like this)\W*$"),
    ("related", r"(related|related (articles|stories|posts|coverage)|more stories)\W*$"),
    ("related", r"(you (may|might) also like|recommended for you|most (read|popular))\b"),
    ("related", r"(don'?t miss|trending now|more from|more in|top stories)\W*$"),
    ("related", r"(à lire aussi|lire aussi|voir aussi|sur le même sujet)\b"),
    ("related", r"(lesen sie auch|lesen sie mehr|mehr zum thema|das könnte sie auch)\b"),
    ("related", r"(lee también|leer más|te puede interesar|noticias relacionadas)\b"),
    ("related", r"(leggi anche|leia também|leia mais|veja também)\b"),
    ("related", r"(also on|more on) [\w.-]+\.(com|net|org|co\.uk)\b"),
    # credits, bylines, contact lines and filing labels
    ("credit", r"(by|von|par|por|di) (\w+\.? ){0,3}\w+[^\w.!?]*$"),
    (
        "credit",
        r"((additional )?reporting by ([\w'-]+\.? ?){1,4}(;.*)?$|staff reports?\W*$|source\W*:.{0,40}$)",
    ),
    ("credit", r".{0,80}contributed (to )?this (report|article|story)"),
    (
        "credit",
        r"(have a (news )?tip|write to \w+( \w+)? at |contact (the )?(author|reporter|writer))",
    ),
    ("credit", r"(filed under|tagged( with)?|tags|categor(y|ies)|posted in|citation)\W*:"),
    ("credit", r"(photo|image|picture|foto|bild)s? ?(credit)?\W*:.{0,80}$"),
    # promotions
    ("promo", r"if you (enjoyed|liked|value) (this|our) (article|story|journalism|reporting)"),
    ("promo", r"(support (our|independent) journalism|become a (member|subscriber|patron))"),
    # comments and ads
    ("comments", r"(\d+ )?(comments?|commentaires?|kommentare?|comentarios?)\W*$"),
    (
        "comments",
        r"(leave a (comment|reply)|tell us what you think|join the (conversation|discussion))",
    ),
    ("comments", r"(laisser un commentaire|schreiben sie einen kommentar|deja un comentario)"),
    ("ad", r"(advertisement|publicité|anzeige|werbung|publicidad|sponsored)\W*$"),
    ("ad", r"(story continues below|article continues below|continue reading)\b"),
)

# Polish, Russian, Greek and Chinese (simplified and traditional): the labels their news sites
# put before related-article lists, share bars, comment threads and ads. Greek is written
# with optional accents: headings in capitals lose them when lower-cased.
OTHER_LANGUAGES: tuple[tuple[str, str], ...] = (
    ("related", r"(czytaj|przeczytaj|zobacz) (także|też|również|więcej)\b"),
    ("related", r"(polecamy|podobne artykuły|powiązane artykuły|najczęściej czytane)\W*:?\W*$"),
    ("related", r"(читайте|читать|смотрите) (также|тоже|еще|ещё)\b|см\. также\b"),
    (
        "related",
        r"(по теме|новости по теме|материалы по теме|похожие (статьи|новости|материалы))\W*$",
    ),
    ("related", r"(другие новости|самое (читаемое|популярное)|рекомендуем)\W*:?\W*$"),
    ("related", r"(διαβ[αά]στε|δε[ιί]τε) (επ[ιί]σης|ακ[οό]μ[αη])\b"),
    ("related", r"(σχετικ[αά] ([αά]ρθρα|θ[εέ]ματα)|περισσ[οό]τερα)\W*$"),
    # Chinese has no spaces: a lead is told from a sentence opening the same way by its length
    (
        "related",
        r"(相关|相關|延伸|推荐|推薦|扩展|擴展|更多)(新闻|新聞|阅读|閱讀|文章|报道|報導|链接|連結).{0,40}$",
    ),
    ("related", r"(猜你喜欢|猜你喜歡|热门推荐|熱門推薦|热点新闻|熱點新聞)\W*$"),
    ("share", r"(udostępnij|поделиться|κοινοποι[ηή]στε)\b|(分享到|分享至).{0,30}$"),
    ("share", r"(udostępnij|поделиться|κοινοπο[ιί]ηση|分享)\W*$"),
    ("subscribe", r"(zapisz się|subskrybuj|подпишитесь|εγγραφε[ιί]τε)\b|(订阅|訂閱).{0,30}$"),
    ("comments", r"(komentarze|dodaj komentarz|комментарии|оставить комментарий|σχ[οό]λια)\W*$"),
    ("comments", r"(发表评论|發表評論|网友评论|網友評論|评论|評論)\W*$"),
    ("copyright", r".{0,80}(wszelkie prawa zastrzeżone|все права защищены)"),
    ("copyright", r".{0,80}(με επιφ[υύ]λαξη παντ[οό]ς δικαι[ωώ]ματος|版权所有|版權所有)"),
    ("ad", r"(reklama|реклама|διαφ[ηή]μιση|广告|廣告)\W*$"),
    ("credit", r"(责任编辑|責任編輯|编辑|編輯|来源|來源|źródło|источник)\W*[:：].{0,40}$"),
)
PHRASES += OTHER_LANGUAGES
_EACH = tuple((kind, re.compile(p)) for kind, p in PHRASES)
# Most blocks match nothing, and must be told so fast. A pattern opening with ".{0,N}" (a
# copyright line anywhere in its first N characters) makes the engine try its rest at every one
# of those N positions; searching for the rest, and checking where the first match starts, is
# the same test with the engine's fast scan for the rest's first character.
_ANYWHERE = re.compile(r"\.\{0,(\d+)\}")
_COMBINED = re.compile("|".join(f"(?:{p})" for _, p in PHRASES if not _ANYWHERE.match(p)))
_WITHIN = tuple(
    (int(m.group(1)), re.compile(p[m.end() :]))
    for _, p in PHRASES
    if (m := _ANYWHERE.match(p)) is not None
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
MAX_PHRASE_WORDS = 80  # a long block starting like a disclaimer is still more likely prose


@lru_cache(maxsize=4096)  # a page's blocks are judged again when a cut is re-read
def phrase_kind(text: str) -> str | None:
    """The kind of built-in boilerplate phrase a block is (None: not boilerplate)."""
    words = text.split()
    if not words or len(words) > MAX_PHRASE_WORDS:  # most paragraphs: no need to normalise
        return None
    norm = " ".join(words).translate(_QUOTES).lower()
    if _COMBINED.match(norm) is None and not any(
        (m := rest.search(norm)) is not None and m.start() <= within for within, rest in _WITHIN
    ):
        return None
    return next((kind for kind, pattern in _EACH if pattern.match(norm)), "boilerplate")


def normalise(line: str) -> str:
    """Words only, lower-cased, digits folded: what must match for two lines to be 'the same'."""
    return " ".join(_WORD.findall(_DIGIT.sub("0", line.lower())))


def fingerprint(line: str) -> str | None:
    """Short stable hash of a normalised line; None for lines without words."""
    norm = normalise(line)
    return hashlib.blake2b(norm.encode(), digest_size=8).hexdigest() if norm else None


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


@dataclass
class BoilerplateModel:
    """Lines one source repeats across its pages, learned from bodies already archived."""

    min_pages: int = 2
    counts: dict[str, int] = field(default_factory=dict)  # line fingerprint -> distinct pages
    pages: list[str] = field(default_factory=list)  # fingerprints of the pages learned
    max_pages: int = 200  # the page list only guards against learning one page twice
    max_lines: int = 5000  # line counts kept; beyond, `_forget` trims them

    def learn(self, text: str | Body, facts: LineFacts | None = None) -> None:
        """Count each distinct line of one page's body (learning the same page twice is a no-op).
        `facts`, when given, are this body's (`line_facts`): nothing is hashed again."""
        body = text.text if isinstance(text, Body) else text
        page = facts.page if facts is not None else fingerprint(body)
        if page is None or page in self.pages:
            return
        self.pages = [*self.pages, page][-self.max_pages :]
        known = dict(facts.lines) if facts is not None else {}
        for fp in {_fact(known, line)[0] for line in _lines(body)} - {None}:
            assert fp is not None
            self.counts[fp] = self.counts.get(fp, 0) + 1
        if len(self.counts) > self.max_lines:
            self._forget()

    def _forget(self) -> None:
        """Keep the model small (it is read and written at every batch): lines seen on one page
        only are forgotten first, then the least repeated; a line that is template comes back on
        the next pages it is seen on."""
        kept = {fp: n for fp, n in self.counts.items() if n >= self.min_pages}
        if len(kept) > self.max_lines // 2:
            ranked = sorted(kept.items(), key=lambda item: -item[1])[: self.max_lines // 2]
            kept = dict(ranked)
        self.counts = kept

    def learn_all(self, bodies: Iterable[str | Body]) -> BoilerplateModel:
        for body in bodies:
            self.learn(body)
        return self

    def is_learned(self, line: str) -> bool:
        """True for a line the source repeats on at least `min_pages` pages."""
        fp = fingerprint(line)
        return fp is not None and self.counts.get(fp, 0) >= self.min_pages

    def is_boilerplate(self, paragraph: str) -> bool:
        """True for a built-in boilerplate phrase or a line this source repeats."""
        return phrase_kind(paragraph) is not None or self.is_learned(paragraph)

    def clean(self, body: Body, facts: LineFacts | None = None) -> Body:
        """The body without its boilerplate lines, in both text and Markdown.

        Learned lines are only removed when they are a minority of the body: a page made mostly
        of lines seen elsewhere is a republished or updated article, not template. `facts`, when
        given, are this body's (`line_facts`): each line's hash and phrase verdict come from them.
        """
        lines = _lines(body.text)
        if not lines:
            return body
        # Each distinct line is hashed and matched once (text and Markdown share most lines).
        known: dict[str, tuple[str | None, bool]] = dict(facts.lines) if facts is not None else {}
        prints = {line: _fact(known, line)[0] for line in set(lines)}
        learned = {
            fp
            for fp in prints.values()
            if fp is not None and self.counts.get(fp, 0) >= self.min_pages
        }
        if learned:
            words = shared = 0
            for line in lines:
                count = len(_WORD.findall(line))
                words += count
                shared += count if prints[line] in learned else 0
            if shared * 2 >= words:
                learned = set()

        def drop(line: str) -> bool:
            fp, phrase = _fact(known, line)
            return phrase or fp in learned

        text = _filter_paragraphs(body.text, drop)
        markdown = _filter_paragraphs(body.markdown, lambda x: drop(_strip_markdown(x)))
        error = body.error if text else body.error or "body is all boilerplate"
        return Body(text, markdown if text else "", error)

    def to_json(self) -> str:
        return json.dumps(
            {"min_pages": self.min_pages, "counts": self.counts, "pages": self.pages},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, data: str) -> BoilerplateModel:
        raw = json.loads(data)
        return cls(
            min_pages=int(raw.get("min_pages", 2)),
            counts={str(k): int(v) for k, v in raw.get("counts", {}).items()},
            pages=[str(p) for p in raw.get("pages", [])],
        )


_MD_PREFIX = re.compile(r"^\s*(#{1,6} |[-*+] |\d+[.)] |> ?)+")
_MD_LINK = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*\)")


def line_facts(body: Body) -> LineFacts:
    """The fingerprints and phrase verdicts `learn` and `clean` need for this body."""
    lines = set(_lines(body.text))
    lines.update(_strip_markdown(line) for line in body.markdown.split("\n") if line.strip())
    return LineFacts(fingerprint(body.text), {line: _judge(line) for line in lines})


def _judge(line: str) -> tuple[str | None, bool]:
    return fingerprint(line), phrase_kind(line) is not None


def _fact(known: dict[str, tuple[str | None, bool]], line: str) -> tuple[str | None, bool]:
    """A line's (fingerprint, is a phrase), from `known` or worked out (and kept there)."""
    fact = known.get(line)
    if fact is None:
        fact = known[line] = _judge(line)
    return fact


def _strip_markdown(line: str) -> str:
    """The words a Markdown line shows, as its plain-text twin has them (no link targets)."""
    return _MD_LINK.sub("]", _MD_PREFIX.sub("", line))


def _filter_paragraphs(text: str, drop: Callable[[str], bool]) -> str:
    """Text with the lines `drop` rejects removed, keeping blank-line paragraph breaks tidy."""
    paragraphs = []
    for para in text.split("\n\n"):
        kept = [line for line in para.split("\n") if not line.strip() or not drop(line)]
        if any(line.strip() and set(line.strip()) - set("|- :") for line in kept):
            paragraphs.append("\n".join(kept).strip("\n"))
    return "\n\n".join(paragraphs)

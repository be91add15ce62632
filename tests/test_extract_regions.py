"""Rules that read the page region holding the article: sections a cut lost are put back."""

from __future__ import annotations

import lxml.html
import pytest

from bench import wcxb
from scraper.extract.body import extract_body
from scraper.extract.parse import load_page
from scraper.extract.regions import article_region, paragraph_elements

needs_wcxb = pytest.mark.skipif(not wcxb.available(), reason=f"corpus not found: {wcxb.CORPUS}")

# No <article>, <main> or "post"/"content" class: trafilatura's main pass finds no container and
# its recovery keeps loose paragraphs only, dropping the headings and lists between them.
SECTIONS = {
    "en": (
        [
            "Choosing accounting software is one of the first decisions a freelancer makes, and "
            "it shapes how much time the paperwork takes every single month of the year.",
            "QuickBooks has been around for decades and most accountants already know it well, "
            "which makes handing over the books at tax time a painless affair for everyone.",
            "Wave costs nothing for its core features, which makes it a good start for anyone "
            "whose business is still small and whose invoices are still few and simple.",
        ],
        "Features of QuickBooks",
        [
            "Invoicing customization: invoices that carry your brand and your own terms",
            "Expense tracking: every receipt sorted into the right category automatically",
            "Tax calculations: quarterly estimates prepared from the year's income so far",
        ],
    ),
    "de": (
        [
            "Die Wahl der Buchhaltungssoftware ist eine der ersten Entscheidungen, die Selbstständige "
            "treffen, und sie bestimmt, wie viel Zeit der Papierkram jeden Monat kostet.",
            "Das erste Programm gibt es seit Jahrzehnten, und die meisten Steuerberater kennen es gut, "
            "was die Übergabe der Bücher am Jahresende für alle Beteiligten erleichtert.",
            "Das zweite Programm kostet für die Grundfunktionen nichts und eignet sich deshalb für "
            "alle, deren Geschäft noch klein ist und deren Rechnungen noch einfach sind.",
        ],
        "Funktionen im Überblick",
        [
            "Rechnungen mit eigenem Logo und eigenen Zahlungsbedingungen gestalten",
            "Ausgaben automatisch der richtigen Kategorie zuordnen lassen",
            "Vierteljährliche Steuervorauszahlungen aus den bisherigen Einnahmen berechnen",
        ],
    ),
}


def _page(paragraphs: list[str], heading: str, items: list[str]) -> str:
    listing = "".join(
        f"<li><strong>{i.split(':')[0]}</strong>{i[len(i.split(':')[0]) :]}</li>" for i in items
    )
    return f"""<html><head><title>Software</title></head><body>
    <div class="top"><a href="/">Home</a> <a href="/blog">Blog</a></div>
    <section class="s1"><div class="wrap"><div class="rich">
    <p>{paragraphs[0]}</p><h2>{heading}</h2><p>{paragraphs[1]}</p>
    <ul>{listing}</ul><h2>{heading} 2</h2><p>{paragraphs[2]}</p>
    </div></div></section>
    <footer><p>Made with care in a small town by a small team of four.</p></footer>
    </body></html>"""


@pytest.mark.parametrize("language", sorted(SECTIONS))
def test_headings_and_lists_between_paragraphs_are_kept_when_no_container_is_marked(
    language: str,
) -> None:
    paragraphs, heading, items = SECTIONS[language]
    text = extract_body(_page(paragraphs, heading, items), "https://example.com/a").text
    order = [paragraphs[0], heading, paragraphs[1], *items, f"{heading} 2", paragraphs[2]]
    assert [text.find(part) for part in order] == sorted(text.find(part) for part in order)
    assert all(part in text for part in order)
    assert "Made with care" not in text and "Home" not in text


SHORT_HEADINGS = {
    "en": ["Prices", "Setting up", "Support"],
    "de": ["Preise", "Einrichtung", "Hilfe"],
}


@pytest.mark.parametrize("language", sorted(SECTIONS))
def test_short_section_headings_lost_between_paragraphs_are_put_back(language: str) -> None:
    # a long text whose lost headings are too short to weigh 5% of it: their number tells
    paragraphs = SECTIONS[language][0]
    headings = SHORT_HEADINGS[language]
    sections = "".join(
        f"<h3>{h}</h3>" + "".join(f"<p>{n}.{k} {paragraphs[(n + k) % 3]}</p>" for k in range(3))
        for n, h in enumerate(headings)
    )
    html = f"""<html><head><title>Software</title></head><body>
    <div class="top"><a href="/">Home</a> <a href="/blog">Blog</a></div>
    <section class="s1"><div class="wrap"><div class="rich">
    <p>{paragraphs[0]} {paragraphs[1]}</p>{sections}</div></div></section>
    <footer><p>Made with care in a small town by a small team of four.</p></footer>
    </body></html>"""
    blocks = extract_body(html, "https://example.com/a").text.split("\n\n")
    assert all(h in blocks for h in headings)
    assert [blocks.index(h) for h in headings] == sorted(blocks.index(h) for h in headings)
    assert blocks[blocks.index(headings[1]) + 1].startswith("1.0 ")
    assert "Made with care" not in blocks and len(blocks) == len(set(blocks))


ANNOUNCED = {
    "en": (
        "The report lists the principles every set of accounts must follow, and auditors check "
        "each of them before they sign. These are the principles:",
        ["Regularity: conformity to the rules", "Sincerity: the accounts show what happened"],
        "Each principle is applied the same way from one period to the next, auditors say.",
    ),
    "pl": (
        "Raport wymienia zasady, których musi przestrzegać każde sprawozdanie finansowe, a "
        "biegli rewidenci sprawdzają je przed podpisaniem. Oto te zasady:",
        ["Prawidłowość: zgodność z przepisami", "Rzetelność: zapisy oddają rzeczywistość"],
        "Każda zasada jest stosowana tak samo z okresu na okres, podkreślają biegli rewidenci.",
    ),
}


@pytest.mark.parametrize("language", sorted(ANNOUNCED))
def test_a_list_a_paragraph_announces_with_a_colon_is_kept(language: str) -> None:
    intro, items, after = ANNOUNCED[language]
    filler = " ".join([after] * 3)
    listing = "".join(f"<li><b>{i.split(':')[0]}:</b>{i.split(':')[1]}</li>" for i in items)
    html = f"""<html><head><title>Principles</title></head><body>
    <section class="s1"><div class="wrap"><div class="rich">
    <p>{filler}</p><p>{intro}</p><ul>{listing}</ul></div></div></section>
    <section class="s2"><div class="wrap"><div class="rich"><p>{after} {filler}</p></div></div>
    </section></body></html>"""
    text = extract_body(html, "https://example.com/principles").text
    assert f"{intro}\n\n{items[0]}\n{items[1]}" in text


def test_a_list_of_links_after_a_colon_is_still_navigation() -> None:
    intro, _, after = ANNOUNCED["en"]
    links = "".join(f'<li><a href="/p/{i}">Another story number {i}</a></li>' for i in range(4))
    html = f"""<html><head><title>Principles</title></head><body><div class="x">
    <p>{after} {after}</p><p>{intro}</p><ul>{links}</ul><p>{after} {after} {after}</p>
    </div></body></html>"""
    assert "Another story" not in extract_body(html, "https://example.com/principles").text


@needs_wcxb
def test_sections_put_back_do_not_repeat_blocks_already_kept() -> None:
    # a health page whose references follow the sections trafilatura's recovery dropped
    page = next(p for p in wcxb.pages(kind=None, half="tune") if p.id == "0348")
    blocks = extract_body(page.html(), page.url).text.split("\n\n")
    assert "What are meditation and mindfulness?" in blocks
    assert len(blocks) == len(set(blocks))


# (the article's paragraphs, a paragraph of the page's own: an editor's note, a promotion)
FAR = {
    "en": (
        [
            "The city council approved the new budget on Tuesday after a debate that lasted "
            "well into the night, with the final vote split along familiar lines.",
            "Spending on public transport rises by a tenth, while the money set aside for road "
            "repairs stays where it was last year, the finance committee said.",
            "The mayor called the plan a fair compromise and promised that the first new bus "
            "lines would open before the end of the coming summer season.",
            "Residents welcomed the new lines, though shop owners along the planned routes asked "
            "the council to keep the building works short and to tell them the dates early.",
        ],
        "Our newsroom is funded by readers like you: every contribution, however small, keeps "
        "independent local reporting free for everyone in the region.",
    ),
    "pl": (
        [
            "Rada miasta przyjęła we wtorek nowy budżet po debacie, która trwała do późnej nocy, "
            "a głosowanie podzieliło radnych tak jak zwykle.",
            "Wydatki na transport publiczny wzrosną o jedną dziesiątą, a pieniądze na remonty "
            "dróg pozostaną na poziomie z ubiegłego roku, poinformowała komisja finansów.",
            "Prezydent miasta nazwał plan uczciwym kompromisem i zapowiedział, że pierwsze nowe "
            "linie autobusowe ruszą jeszcze przed końcem lata.",
            "Mieszkańcy przyjęli nowe linie z zadowoleniem, choć sklepikarze z ulic na trasie "
            "poprosili radę, by prace budowlane były krótkie, a ich terminy znane wcześniej.",
        ],
        "Nasza redakcja utrzymuje się dzięki czytelnikom: każde wsparcie, nawet najmniejsze, "
        "pozwala nam dalej pisać o sprawach regionu bez opłat dla nikogo.",
    ),
    "ru": (
        [
            "Городской совет во вторник утвердил новый бюджет после дебатов, которые длились "
            "до поздней ночи, а голоса разделились как обычно.",
            "Расходы на общественный транспорт вырастут на десятую часть, а средства на ремонт "
            "дорог останутся на уровне прошлого года, сообщила финансовая комиссия.",
            "Мэр назвал план честным компромиссом и пообещал, что первые новые автобусные "
            "маршруты откроются еще до конца лета.",
            "Жители приветствовали новые маршруты, хотя владельцы магазинов на будущих линиях "
            "попросили совет сократить строительные работы и заранее сообщить их сроки.",
        ],
        "Наша редакция существует благодаря читателям: любая поддержка, даже самая малая, "
        "позволяет нам и дальше писать о жизни региона бесплатно для всех.",
    ),
    "zh": (
        [
            "市议会周二在经过一场持续到深夜的辩论后批准了新的预算方案，最终投票结果与以往基本一致。"
            "反对派议员认为预算过于保守，未能回应市民对公共服务的期待，但多数议员最终投了赞成票。",
            "财政委员会表示，公共交通方面的支出将增加一成，而用于道路维修的资金将与去年持平。"
            "委员会还建议在明年上半年对各区的交通需求进行一次全面调查，以便更准确地分配资金。",
            "市长称该方案是一个公平的妥协，并承诺第一批新的公交线路将在今年夏季结束之前开通运营。"
            "他同时表示，市政府将定期向议会报告预算执行情况，接受市民和媒体的监督。",
            "不少市民对新增公交线路表示欢迎，认为这将缩短上下班时间，减少私家车出行带来的拥堵。"
            "也有居民担心施工会影响周边商户的经营，希望有关部门提前做好沟通和补偿安排。",
        ],
        "本网站的新闻报道依靠读者的支持才能继续，每一份支持无论多少都能让地方新闻对所有人免费开放。",
    ),
}


def _far_page(paragraphs: list[str], note: str, split: bool) -> str:
    first, rest = (paragraphs[:2], paragraphs[2:]) if split else (paragraphs, [])
    second = f'<div class="part"><p>{"</p><p>".join(rest)}</p></div>' if rest else ""
    return f"""<html><head><title>{paragraphs[0][:20]}</title></head><body>
    <div class="pg"><div class="cols"><div class="col-a"><div class="wrap">
    <div class="part"><p>{"</p><p>".join(first)}</p></div>
    <div class="share-tools"><span>•</span></div>{second}</div></div></div>
    <div class="site-bottom"><div class="row"><div class="cell"><div class="box">
    <p>{note}</p></div></div></div></div></div></body></html>"""


@pytest.mark.parametrize("language", sorted(FAR))
def test_a_paragraph_far_from_the_article_after_it_is_dropped(language: str) -> None:
    paragraphs, note = FAR[language]
    text = extract_body(_far_page(paragraphs, note, False), "https://example.org/a/1").text
    assert text == "\n\n".join(paragraphs)


@pytest.mark.parametrize("language", sorted(FAR))
def test_an_article_split_over_two_containers_keeps_its_second_part(language: str) -> None:
    paragraphs, note = FAR[language]
    text = extract_body(_far_page(paragraphs, note, True), "https://example.org/a/1").text
    assert text == "\n\n".join(paragraphs)


@pytest.mark.parametrize("language", sorted(SECTIONS))
def test_sections_put_back_leave_out_galleries_comments_and_embeds(language: str) -> None:
    paragraphs, heading, items = SECTIONS[language]
    extras = (
        '<div class="photo-gallery"><p>Image 1 of 5</p><p>Back to gallery</p></div>'
        "<figure><img src='a.jpg'><figcaption>A photograph of the office at dusk.</figcaption>"
        '</figure><blockquote class="instagram-media"><p>View this post on Instagram</p>'
        '</blockquote><div id="comments"><p>Great article, thanks for writing it up so '
        "clearly and for all the links!</p></div>"
    )
    html = _page(paragraphs, heading, items).replace("<ul>", f"{extras}<ul>", 1)
    text = extract_body(html, "https://example.com/a").text
    assert all(part in text for part in [*paragraphs, heading, *items])
    for junk in ("Image 1 of 5", "photograph", "Instagram", "Great article"):
        assert junk not in text


@pytest.mark.parametrize("language", ["en", "pl", "ru"])
def test_a_paragraph_lost_between_two_of_ours_in_the_articles_element_is_put_back(
    language: str,
) -> None:
    # a paragraph in a box whose class names it a "teaser": trafilatura prunes such boxes
    paragraphs, _ = FAR[language]
    lost = "".join(f"<p>{p}</p>" for p in paragraphs[1:3])
    body = f'<p>{paragraphs[0]}</p><div class="teaser-text">{lost}</div>' + "".join(
        f"<p>{p}</p>" for p in paragraphs[3:]
    )
    html = f"""<html><head><title>{paragraphs[0][:20]}</title></head><body>
    <div class="pg"><article><div class="rich">{body}</div></article></div></body></html>"""
    text = extract_body(html, "https://example.org/a/1").text
    assert text == "\n\n".join(paragraphs)


# ------------------------------------------------------------------ the region trafilatura reads

_PROSE = [
    "The council voted on Tuesday to close the old bridge for repairs that are expected to last "
    "most of the coming year, a decision that will lengthen many commutes across the river.",
    "Engineers found cracks in two of the supporting piers during an inspection last spring and "
    "recommended that traffic be kept off the span until the steel could be replaced properly.",
    "Local shops near the bridge worry that fewer people will pass their doors, and the council "
    "has promised a small fund to help those that lose the most trade while the work goes on.",
]


def _region_page(headline_in_header: bool = False, prose_below: int = 0) -> str:
    below = "".join(f"<p>{_PROSE[i % 3]} (more {i})</p>" for i in range(prose_below))
    top = "<h1>Old bridge to close for a year</h1>" if headline_in_header else ""
    inner = "" if headline_in_header else "<h1>Old bridge to close for a year</h1>"
    return f"""<html><head><title>Bridge</title></head><body>
    <header>{top}<nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
    <div class="layout"><article class="story">{inner}<div class="text">
    {"".join(f"<p>{p}</p>" for p in _PROSE)}<form><input name="q"></form></div></article>
    <aside class="more"><ul><li><a href="/a">Another story</a></li></ul></aside></div>
    <div class="more-news">{below}</div><footer><p>Copyright the town paper.</p></footer>
    </body></html>"""


def _region(html: str) -> lxml.html.HtmlElement | None:
    tree = load_page(html)
    assert tree is not None
    _, prose = paragraph_elements(tree, lambda text: len(text) > 80)
    return article_region(tree, prose)


def test_trafilatura_reads_only_the_element_holding_the_headline_and_the_prose() -> None:
    html = _region_page()
    region = _region(html)
    assert region is not None
    assert [e.tag for e in region[0]] == ["article"]  # a page of its own: <html><body><article>
    text = region.text_content()
    assert all(p in text for p in _PROSE) and "Old bridge to close" in text
    assert "Another story" not in text and "Home" not in text and "Copyright" not in text
    # a copy: the page itself keeps its header, sidebar and footer for the other rules
    assert "Another story" in load_page(html).text_content()  # type: ignore[union-attr]
    # the copy keeps the classes chosen in C (lxml.html's own would make <form> a FormElement)
    assert type(region.find(".//form")) is lxml.html.HtmlElement


def test_a_headline_in_the_site_header_leaves_the_whole_page_to_read() -> None:
    assert _region(_region_page(headline_in_header=True)) is None


def test_prose_spread_over_the_page_leaves_the_whole_page_to_read() -> None:
    assert _region(_region_page(prose_below=3)) is None


def test_the_body_of_a_page_read_through_its_region_is_the_article() -> None:
    body = extract_body(_region_page(), "https://example.org/bridge")
    assert body.error is None
    assert all(p in body.text for p in _PROSE)
    assert "Another story" not in body.text and "Copyright" not in body.text

"""Author rules that must hold on sites never seen: bylines written in many shapes and
languages, and the desk lines, sections, dates, menus and photo credits that name no one."""

from __future__ import annotations

import pytest

from scraper.extract.authors import clean_authors
from scraper.extract.metadata import extract_metadata

URL = "https://news.example.org/2025/12/a-story"


def _page(body: str, head: str = "", lang: str = "en") -> str:
    return (
        f'<html lang="{lang}"><head><title>A story</title>{head}</head><body>'
        f"<article><h1>A story worth telling</h1>{body}<p>The text of the article.</p>"
        "</article></body></html>"
    )


def _authors(body: str, head: str = "", lang: str = "en") -> tuple[str, ...]:
    return extract_metadata(_page(body, head, lang), URL).authors


@pytest.mark.parametrize(
    ("body", "lang", "names"),
    [
        ('<div><p>Written by</p><p class="x">Edzel Tabing</p></div>', "en", ("Edzel Tabing",)),
        ('<p>by <a href="/u/amanda">Amanda</a> · Dec 20, 2025 at 3:00 am</p>', "en", ("Amanda",)),
        (
            "<p><span>Von</span> <a>Anna Schmidt</a> und <a>Jonas Weber</a></p>",
            "de",
            ("Anna Schmidt", "Jonas Weber"),
        ),
        ("<p>Par</p><p>Jeanne Martin et Paul Durand</p>", "fr", ("Jeanne Martin", "Paul Durand")),
        (
            "<p>Autor: Ana García, Luis Pérez y Marta Ruiz</p>",
            "es",
            ("Ana García", "Luis Pérez", "Marta Ruiz"),
        ),
    ],
)
def test_a_byline_lead_standing_alone_takes_the_names_after_it(
    body: str, lang: str, names: tuple[str, ...]
) -> None:
    assert _authors(body, lang=lang) == names


def test_a_label_standing_alone_over_a_list_takes_every_item_as_an_author() -> None:
    body = (
        "<div><h6>Author(s)</h6><ul>"
        '<li><a href="/library/?_author=John%20A.%20Alic">John A. Alic</a></li>'
        "<li><a>David C. Mowery</a></li><li><a>Edward S. Rubin</a></li></ul></div>"
    )
    assert _authors(body) == ("John A. Alic", "David C. Mowery", "Edward S. Rubin")
    assert _authors("<p>Author(s): Jane Doe</p>") == ("Jane Doe",)


@pytest.mark.parametrize(
    "body",
    [
        "<p><b>Try it out yourself</b> by printing one of our several examples.</p>",
        "<ul><li><strong>Easy reproduction</strong> by copying messages to curl</li></ul>",
        "<p>Gebaut <em>Von Hand</em> und mit Liebe.</p>",
    ],
)
def test_by_inside_a_sentence_opens_no_byline(body: str) -> None:
    assert _authors(body) == ()


@pytest.mark.parametrize(
    "body",
    [
        '<section class="byline"><span class="byline__release-date">March 20, 2023</span>'
        '<span class="byline__separator">|</span>'
        '<span class="byline__category">Wellness &amp; Prevention</span></section>',
        '<div class="author-box"><span class="author-avatar">NB</span></div>',
        '<div class="dynamic-author-description">Licensed Q Arabica Grader, M.A. Journalism</div>',
    ],
)
def test_a_byline_box_s_date_section_avatar_or_biography_is_no_author(body: str) -> None:
    assert _authors(body) == ()


def test_a_byline_box_keeps_its_name_beside_its_date_and_avatar() -> None:
    body = (
        '<div class="post-author"><span class="author-avatar">NB</span>'
        '<span class="author-date">May 2, 2024</span><span class="author-name">Nicole Burke</span>'
        "</div>"
    )
    assert _authors(body) == ("Nicole Burke",)


def test_a_line_break_in_a_byline_box_parts_its_authors() -> None:
    body = (
        '<div class="article-byline__written-by"><strong>Written by</strong><br>'
        '<strong><a href="/authors/adrien-ramirez">Adrien Ramirez</a></strong>, 4+ years covering '
        "computer hardware, software, and science<br><strong>Joanna Nelius</strong>, senior editor"
        "</div>"
    )
    assert _authors(body) == ("Adrien Ramirez", "Joanna Nelius")


def test_a_biography_that_opens_with_a_lead_is_a_byline() -> None:
    body = (
        '<div class="author-bio">This post was written by Danielle Padula, Head of Marketing.</div>'
    )
    assert _authors(body) == ("Danielle Padula",)


def test_a_reply_s_microdata_author_is_not_the_page_s() -> None:
    """A forum's replies are schema.org Comments with their own authors."""
    reply = (
        '<div itemscope itemtype="https://schema.org/Comment"><p>Great point.</p>'
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">Rick Reply</span></span></div>'
    )
    assert "Rick Reply" not in _authors(reply)


def test_a_menu_item_is_no_byline() -> None:
    body = (
        '<ul class="menu"><li class="menu-item authorities-board depth-3">'
        "<a>LSC Code of Ethics and Conduct</a></li></ul>"
    )
    assert _authors(body) == ()


@pytest.mark.parametrize(
    ("line", "lang", "names"),
    [
        ("by Amanda · Dec 20, 2025 · One comment so far", "en", ("Amanda",)),
        ("Von Anna Schmidt · 3 Kommentare", "de", ("Anna Schmidt",)),
        ("Par Jeanne Martin · 12 commentaires", "fr", ("Jeanne Martin",)),
        ("Por Marta Ruiz · 4 comentarios", "es", ("Marta Ruiz",)),
    ],
)
def test_a_comment_count_in_a_byline_is_no_name(
    line: str, lang: str, names: tuple[str, ...]
) -> None:
    assert _authors(f"<p>{line}</p>", lang=lang) == names


def _meta(*pairs: tuple[str, str]) -> str:
    return "".join(f'<meta name="{k}" content="{v}">' for k, v in pairs)


def test_a_label_pair_naming_the_writer_is_author_markup() -> None:
    head = _meta(
        ("twitter:label1", "Written by"),
        ("twitter:data1", "Chase Bernath"),
        ("twitter:label2", "Est. reading time"),
        ("twitter:data2", "9 minutes"),
    )
    assert _authors("", head) == ("Chase Bernath",)
    german = _meta(("twitter:label1", "Geschätzte Lesezeit"), ("twitter:data1", "4 Minuten"))
    assert _authors("", german, "de") == ()


def test_a_citation_author_is_one_person_written_family_name_first() -> None:
    head = _meta(
        ("citation_author", "Roy, Aniruddha"),
        ("citation_author", "Patel, Jyoti R."),
        ("citation_author", "Müller, Anna Lena"),
    )
    assert _authors("", head) == ("Aniruddha Roy", "Jyoti R. Patel", "Anna Lena Müller")
    # a plain author meta with two names in one value stays two names
    assert _authors("", _meta(("author", "Jane Doe, John Roe"))) == ("Jane Doe", "John Roe")


def test_every_author_of_a_citation_authors_list_is_kept_beside_a_lone_author_meta() -> None:
    head = _meta(
        ("author", "Jennifer Huberty"),
        ("citation_authors", "Jennifer Huberty"),
        ("citation_authors", "Jeni Green"),
        ("citation_authors", "Glissmann, Christine"),
    )
    assert _authors("", head) == ("Jennifer Huberty", "Jeni Green", "Christine Glissmann")


@pytest.mark.parametrize(
    ("login", "names"),
    [
        ("brandon-peaktwo", ()),
        ("3d23d65-ddc6-4ce5", ()),
        ("sara.r.peter", ("Sara R Peter",)),
        ("hackermondev", ("hackermondev",)),
    ],
)
def test_a_login_slug_is_no_name_but_a_dotted_login_spells_one(
    login: str, names: tuple[str, ...]
) -> None:
    assert _authors("", _meta(("author", login))) == names


@pytest.mark.parametrize(
    ("byline", "lang"),
    [
        ("By AFP", "en"),
        ("By Reuters", "en"),
        ("Von dpa", "de"),
        ("Par AFP", "fr"),
        ("Por EFE", "es"),
        ("di ANSA", "it"),
        ("Autor: PAP", "pl"),
        ("Текст: ТАСС", "ru"),
        ("By Staff", "en"),
        ("Von Redaktion", "de"),
        ("Door ANP", "nl"),
        ("Av TT", "sv"),
        ("Av NTB", "no"),
        ("Por Lusa", "pt"),
    ],
)
def test_a_wire_agency_or_desk_line_is_no_author(byline: str, lang: str) -> None:
    assert _authors(f'<p class="byline">{byline}</p>', lang=lang) == ()
    assert _authors(f"<p>{byline}</p>", lang=lang) == ()


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("by Matt Miller on Dec 16, 2025 at 11:00 AM", ("Matt Miller",)),
        ("Von Anna Weber am 3. März 2024 um 10:15", ("Anna Weber",)),
        ("Par Jeanne Martin le 3 mars 2024 à 10h15", ("Jeanne Martin",)),
        ("Stephen Jesudunsin AI Writer, Embarque", ("Stephen Jesudunsin",)),
        ("Loona Construction Loona Construction", ("Loona Construction",)),
        ("Dariusz JaroÅ\x84", ("Dariusz Jaroń",)),
    ],
)
def test_dangling_words_titles_repeats_and_mojibake_leave_the_name(
    raw: str, names: tuple[str, ...]
) -> None:
    assert clean_authors([raw], exclude=["Embarque"]) == names


@pytest.mark.parametrize(
    ("body", "lang", "names"),
    [
        ("<div><strong>Contributors:</strong> Janet Loughrey</div>", "en", ("Janet Loughrey",)),
        ("<h3>About the author</h3><p>Cassidy Horton</p>", "en", ("Cassidy Horton",)),
        ("<p>Über die Autorin: Anna Schmidt</p>", "de", ("Anna Schmidt",)),
    ],
)
def test_labelled_author_lines_name_their_authors(
    body: str, lang: str, names: tuple[str, ...]
) -> None:
    assert _authors(body, lang=lang) == names


@pytest.mark.parametrize(
    ("line", "lang", "names"),
    [
        ("By Jane Doe and John Roe", "en", ("Jane Doe", "John Roe")),
        ("Von Anna Schmidt und Jonas Weber", "de", ("Anna Schmidt", "Jonas Weber")),
        ("Par Jeanne Martin et Paul Durand", "fr", ("Jeanne Martin", "Paul Durand")),
        (
            "Por Ana García, Luis Pérez y Marta Ruiz",
            "es",
            ("Ana García", "Luis Pérez", "Marta Ruiz"),
        ),
        ("Autor: Jan Kowalski i Anna Nowak", "pl", ("Jan Kowalski", "Anna Nowak")),
        ("Автор: Иван Петров и Мария Сидорова", "ru", ("Иван Петров", "Мария Сидорова")),
        ("Door Jan Jansen en Piet de Vries", "nl", ("Jan Jansen", "Piet de Vries")),
        ("Av Anna Andersson och Erik Berg", "sv", ("Anna Andersson", "Erik Berg")),
        ("Por Ana Souza e João Silva", "pt", ("Ana Souza", "João Silva")),
        ("di Marco Rossi e Luca Bianchi", "it", ("Marco Rossi", "Luca Bianchi")),
        ("By Dan Smith and Ian Wu", "en", ("Dan Smith", "Ian Wu")),
    ],
)
def test_a_byline_of_several_authors_is_split_in_every_language(
    line: str, lang: str, names: tuple[str, ...]
) -> None:
    assert _authors(f"<p>{line}</p>", lang=lang) == names
    assert _authors(f'<div class="byline">{line}</div>', lang=lang) == names


@pytest.mark.parametrize(
    ("body", "lang", "names"),
    [
        (
            '<div class="x"><a href="/wirecutter/authors/kimber-streams/">Kimber Streams</a></div>',
            "en",
            ("Kimber Streams",),
        ),
        (
            '<p><a href="/autor/anna-schmidt">Anna Schmidt</a> und '
            '<a href="/autor/jonas-weber">Jonas Weber</a></p>',
            "de",
            ("Anna Schmidt", "Jonas Weber"),
        ),
        (
            '<span><a href="https://news.example.org/auteur/jmartin/">Jeanne Martin</a></span>',
            "fr",
            ("Jeanne Martin",),
        ),
    ],
)
def test_a_link_to_the_author_s_page_next_to_the_headline_names_the_author(
    body: str, lang: str, names: tuple[str, ...]
) -> None:
    assert _authors(body, lang=lang) == names


@pytest.mark.parametrize(
    "body",
    [
        '<div><a href="/authors/">Our writers</a></div>',
        '<div><a href="/author/jane-doe/">More from our team</a></div>',
        '<aside><a href="/author/jane-doe/">Jane Doe</a></aside>',
        '<div class="comments"><a href="/author/jane-doe/">Jane Doe</a></div>',
        '<div><a href="/authors/news-example/">News Example</a></div>',
    ],
)
def test_author_links_of_menus_asides_comments_or_the_site_name_no_author(body: str) -> None:
    head = '<meta property="og:site_name" content="News Example">'
    assert _authors(body, head) == ()


@pytest.mark.parametrize(
    ("byline", "lang"),
    [
        ('<span class="article-author-name">Associated Press</span>', "en"),
        (
            '<a class="article-author__name">Reuters,</a> <span class="article-author__name">'
            "Washington,</span>",
            "en",
        ),
        ('<span class="autor">Von dpa</span>', "de"),
        ('<span class="auteur">Par AFP</span>', "fr"),
    ],
)
def test_a_byline_naming_an_agency_ends_the_search_for_a_person(byline: str, lang: str) -> None:
    related = '<div class="related-links-author">Ryan McKenna</div>'
    assert _authors(f"<div>{byline}</div><p>Body.</p>{related}", lang=lang) == ()


def test_a_user_name_stays_a_name_a_url_slug_does_not() -> None:
    assert _authors("", _meta(("author", "kei_eno"))) == ("kei_eno",)
    assert _authors("", _meta(("author", "jane-doe-2"))) == ()


def test_an_author_box_headed_the_author_names_who_follows() -> None:
    body = (
        '<div class="author-container"><div class="article-author">The Author</div>'
        '<div class="author-card"><span class="author-meta--name">Nicole Burke</span></div></div>'
    )
    assert _authors(body) == ("Nicole Burke",)


def test_a_name_with_the_is_an_organisation_so_the_site_s_name_is_dropped_from_markup() -> None:
    head = (
        '<meta property="og:site_name" content="The Commercial Appeal">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "author": '
        '[{"@type": "Person", "name": "Manoj Jain"}, {"@type": "Person", "name": "Jagpreet '
        'Chhatwal"}, {"@type": "Person", "name": "The Commercial Appeal"}]}</script>'
    )
    assert _authors("", head) == ("Manoj Jain", "Jagpreet Chhatwal")


@pytest.mark.parametrize(
    ("line", "lang"),
    [
        ("Published 12 March 2024, 10:15", "en"),
        ("Veröffentlicht am 12. März 2024", "de"),
        ("Publié le 12 mars 2024 à 10h15", "fr"),
        ("Photo: Jane Doe", "en"),
        ("Foto: Max Muster", "de"),
        ("Crédit photo : Jean Dupont", "fr"),
        ("Foto: Marta Ruiz", "es"),
        ("Wellness & Prevention", "en"),
    ],
)
def test_a_date_a_photo_credit_or_a_section_in_a_byline_names_no_one(line: str, lang: str) -> None:
    assert _authors(f'<div class="byline">{line}</div>', lang=lang) == ()


@pytest.mark.parametrize(
    ("byline", "lang", "names"),
    [
        ("By Charles Patterson, WCI Columnist", "en", ("Charles Patterson",)),
        ("Von Anna Schmidt", "de", ("Anna Schmidt",)),
        ("Par Jeanne Martin et Paul Durand", "fr", ("Jeanne Martin", "Paul Durand")),
    ],
)
def test_a_shown_byline_beats_markup_naming_someone_the_page_never_shows(
    byline: str, lang: str, names: tuple[str, ...]
) -> None:
    head = _meta(("author", "Josh Katzowitz"))
    assert _authors(f"<p>{byline}</p>", head, lang) == names


def test_a_byline_element_beats_a_markup_login_the_page_never_shows() -> None:
    head = _meta(("author", "andrew.keaveney"))
    body = '<div class="author-info"><img src="/d.png" alt=""> <span>Denise Everheart</span></div>'
    assert _authors(body, head) == ("Denise Everheart",)
    # the same person written otherwise ('Jeff T. Kaufman' shown as 'Jeff Kaufman'): the markup
    same = _meta(("author", "Jeff T. Kaufman"))
    assert _authors('<div class="author">Jeff Kaufman</div>', same) == ("Jeff T. Kaufman",)


def test_markup_naming_someone_the_page_shows_beats_the_byline() -> None:
    head = _meta(("author", "Stef Keegan"))
    body = "<p>By Lizzie Streit</p><p>Posted by Stef Keegan in Recipes</p>"
    assert _authors(body, head) == ("Stef Keegan",)
    # a 'By' line that names no person leaves the markup's author
    assert _authors("<p>By hiring a planner, you save time.</p>", head) == ("Stef Keegan",)


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Danielle Padula, Head of Marketing and Community Development", ("Danielle Padula",)),
        ("Jane Doe, Staff Writer and Host of The Morning Show", ("Jane Doe",)),
        ("Von Anna Schmidt, Redakteurin für Politik und Wirtschaft", ("Anna Schmidt",)),
        ("Par Jeanne Martin, journaliste politique et culture", ("Jeanne Martin",)),
        ("By Jane Doe and John Roe, Staff Writers", ("Jane Doe", "John Roe")),
    ],
)
def test_and_inside_a_job_title_joins_no_names(raw: str, names: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == names


def test_a_broken_link_next_to_the_headline_breaks_nothing() -> None:
    body = (
        '<p><a href="http://[broken/author/jane-doe">Jane Doe</a></p>'
        '<p><a href="/author/john-roe">John Roe</a></p>'
    )
    meta = extract_metadata(_page(body), URL)
    assert meta.title == "A story worth telling"
    assert meta.authors == ("John Roe",)


def _ld(author: str, publisher: str = "Loona Construction") -> str:
    return (
        '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "H", '
        f'"author": {author}, "publisher": {{"@type": "Organization", "name": "{publisher}"}}}}'
        "</script>"
    )


def test_an_organisation_author_is_kept_unless_it_is_the_publisher_itself() -> None:
    own = _ld('{"@type": "Organization", "name": "Loona Construction"}')
    assert _authors("", own) == ()
    other = _ld('{"@type": "Organization", "name": "Union of Concerned Scientists"}')
    assert _authors("", other) == ("Union of Concerned Scientists",)
    # a person may bear the site's name: a personal site's owner
    person = _ld('{"@type": "Person", "name": "Sam Bossley"}', publisher="Sam Bossley")
    assert _authors("", person) == ("Sam Bossley",)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (
            '<div><span>2025-12-17</span><span>·</span><a title="Trond Teigen">'
            "<div>Trond Teigen</div></a></div>",
            ("Trond Teigen",),
        ),
        ("<p>Aaron Ricadela | Senior Writer | July 2, 2025</p>", ("Aaron Ricadela",)),
        (
            "<div><div>Jack Shepherd</div><div>Co-Founder &amp; Marketing Director</div>"
            "<div>Updated on 23 Oct 2025</div></div>",
            ("Jack Shepherd",),
        ),
    ],
)
def test_a_name_alone_beside_the_date_under_the_headline_is_the_byline(
    body: str, names: tuple[str, ...]
) -> None:
    assert _authors(body) == names


@pytest.mark.parametrize(
    "body",
    [
        "<p>Apr 21, 2017 | Products Liability</p>",
        '<p><a href="/category/home-improvement">Home Improvement</a> · May 2, 2024</p>',
        "<p>Julia Gralberg</p>",  # no date beside it: a caption, a heading, anything
    ],
)
def test_a_section_after_the_date_a_linked_section_or_an_undated_name_is_no_byline(
    body: str,
) -> None:
    assert _authors(body) == ()


def _after_article(box: str) -> str:
    return (
        "<html><head><title>A story</title></head><body><article><h1>A story worth telling</h1>"
        + "<p>The text of the article.</p>" * 30
        + f"</article>{box}</body></html>"
    )


@pytest.mark.parametrize(
    ("box", "names"),
    [
        ('<div class="box"><p>Written by John Crenshaw</p></div>', ("John Crenshaw",)),
        (
            "<section><h3>Written by Cassidy Horton</h3><p>Cassidy writes.</p></section>",
            ("Cassidy Horton",),
        ),
        ('<div><p>Écrit par <a href="/a">Jeanne Martin</a></p></div>', ("Jeanne Martin",)),
        ("<aside><p>Written by John Crenshaw</p></aside>", ()),
        ('<div id="comments"><p>Written by John Crenshaw</p></div>', ()),
        ("<div><p>Written by hand in 1820, the letter survived.</p></div>", ()),
    ],
)
def test_a_written_by_line_after_the_article_names_its_author_unless_aside_or_in_comments(
    box: str, names: tuple[str, ...]
) -> None:
    assert extract_metadata(_after_article(box), URL).authors == names

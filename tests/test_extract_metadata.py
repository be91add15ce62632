"""The metadata extractor: evidence sources, their precedence, republication credits, and
accuracy floors on the hand-annotated pages (tests/data/metadata-annotations.json)."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scraper.extract.authors import clean_authors, looks_like_person, name_key
from scraper.extract.metadata import PRECEDENCE, extract_metadata
from scraper.models import FeedEntry, Metadata

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "tests" / "data" / "metadata-annotations.json"
CORPUS = ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark" / "html"

MONDIALISATION = """<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="utf-8">
<title>Syrie : la bataille d'Alep | Mondialisation</title>
<meta property="og:title" content="Syrie : la bataille d'Alep">
<meta property="og:site_name" content="Mondialisation">
<link rel="canonical" href="/syrie-la-bataille-d-alep/5530000">
</head><body>
<nav><a href="/">Accueil</a></nav>
<article>
<h1>Syrie : la bataille d'Alep</h1>
<p class="byline">Par <a href="/author/moon-of-alabama">Moon of Alabama</a></p>
<p>Mondialisation.ca, 21 mai 2016</p>
<p><strong>Région :</strong> <a href="/region/moyen-orient">Moyen-Orient</a></p>
<p><strong>Thème :</strong> <a href="/theme/guerre">Guerre</a>,
   <a href="/theme/terrorisme">Terrorisme</a></p>
<p>Le texte de l'article commence ici.</p>
<p>La source originale de cet article est
   <a href="https://www.moonofalabama.org/2016/05/aleppo.html">Moon of Alabama</a></p>
<p>Copyright © Moon of Alabama, Moon of Alabama, 2016</p>
<p>Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou les
auteurs. Le Centre de recherche sur la mondialisation se dégage de toute responsabilité
concernant le contenu de cet article.</p>
</article></body></html>"""

GLOBAL_RESEARCH = """<html lang="en-US"><head>
<title>The Battle for Aleppo - Global Research</title>
<meta property="og:site_name" content="Global Research">
<meta name="keywords" content="Syria, Aleppo">
</head><body><article>
<h1>The Battle for Aleppo</h1>
<p class="author">By Jane Doe and John Roe</p>
<p>Global Research, May 19, 2016</p>
<p>Body text of the article.</p>
<p>The original source of this article is <a href="https://www.example-news.com/2016/05/a">Example
News</a></p>
<p>Copyright © Jane Doe, Example News, 2016</p>
<div class="tags">Topics: <a href="/t/war">War</a> <a href="/t/syria">Syria</a></div>
</article></body></html>"""


def _meta(
    html: str, url: str = "https://www.mondialisation.ca/syrie/5530000", **kw: object
) -> Metadata:
    return extract_metadata(html, url, **kw)  # type: ignore[arg-type]


def test_a_mondialisation_style_republication_is_credited_to_its_original() -> None:
    meta = _meta(MONDIALISATION)
    assert meta.title == "Syrie : la bataille d'Alep"
    assert meta.authors == ("Moon of Alabama",)
    assert meta.published == datetime(2016, 5, 21, tzinfo=UTC)
    assert meta.language == "fr"
    assert {"Moyen-Orient", "Guerre", "Terrorisme"} <= set(meta.tags)
    assert meta.original_url == "https://www.moonofalabama.org/2016/05/aleppo.html"
    assert meta.original_source == "Moon of Alabama"
    assert meta.credit_lines == (
        "La source originale de cet article est Moon of Alabama",
        "Copyright © Moon of Alabama, Moon of Alabama, 2016",
    )
    assert meta.canonical_url == "https://www.mondialisation.ca/syrie-la-bataille-d-alep/5530000"
    assert meta.site_name == "Mondialisation"


def test_a_global_research_style_page_in_english() -> None:
    meta = _meta(GLOBAL_RESEARCH, "https://www.globalresearch.ca/the-battle-for-aleppo/5530001")
    assert meta.title == "The Battle for Aleppo"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.published is not None and meta.published.date().isoformat() == "2016-05-19"
    assert meta.original_url == "https://www.example-news.com/2016/05/a"
    assert meta.original_source == "Example News"
    assert "The original source of this article is Example News" in meta.credit_lines
    assert {"Syria", "Aleppo", "War"} <= set(meta.tags)
    assert meta.language == "en"


@pytest.mark.parametrize(
    ("byline", "when", "credit", "authors", "day", "source"),
    [
        (
            "Von Hans Müller und Petra Schmidt",
            "19. Mai 2016",
            'Dieser Artikel erschien zuerst bei <a href="https://taz.de/!5001/">taz</a>.',
            ("Hans Müller", "Petra Schmidt"),
            "2016-05-19",
            "taz",
        ),
        (
            "Por Juan Pérez y María López",
            "21 de mayo de 2016",
            'Publicado originalmente en <a href="https://elpais.com/a.html">El País</a>',
            ("Juan Pérez", "María López"),
            "2016-05-21",
            "El País",
        ),
        (
            "Par Jean Dupont",
            "Jeudi 19 mai 2016",
            "Cet article a été publié initialement par Le Monde diplomatique.",
            ("Jean Dupont",),
            "2016-05-19",
            "Le Monde diplomatique",
        ),
        (
            "By Jane Doe, Staff Writer",
            "Thursday 19 May 2016 10.05 BST",
            "This article was originally published on The Conversation.",
            ("Jane Doe",),
            "2016-05-19",
            "The Conversation",
        ),
    ],
)
def test_bylines_visible_dates_and_credits_in_several_languages(
    byline: str, when: str, credit: str, authors: tuple[str, ...], day: str, source: str
) -> None:
    html = (
        f"<html><head><title>Headline here</title></head><body><article><h1>Headline here</h1>"
        f"<p>{byline}</p><p>{when}</p><p>Body.</p><p>{credit}</p></article></body></html>"
    )
    meta = _meta(html, "https://republisher.example.org/a")
    assert meta.authors == authors
    assert meta.published is not None and meta.published.date().isoformat() == day
    assert meta.original_source == source


def _page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body><article>{body}</article></body></html>'


JSONLD = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Example Site"},
 {"@type": "NewsArticle", "headline": "LD headline", "datePublished": "2019-11-18T10:00:00+01:00",
  "dateModified": "2019-11-19T10:00:00+01:00", "author": {"@id": "#jane"},
  "keywords": ["alpha", "beta"], "articleSection": "World",
  "publisher": {"@id": "#org"}, "image": {"@type": "ImageObject", "url": "/img/a.jpg"}},
 {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
 {"@type": "Organization", "@id": "#org", "name": "Example News"}
]}</script>"""
META_DATE = '<meta property="article:published_time" content="2019-11-17T10:00:00Z">'
TIME = '<time datetime="2019-11-16T10:00:00Z">16 Nov</time>'
ENTRY = FeedEntry(url="https://example.com/x", published=datetime(2019, 11, 14, tzinfo=UTC))


@pytest.mark.parametrize(
    ("head", "body", "url", "entry", "day"),
    [
        (JSONLD + META_DATE, TIME, "https://example.com/2019/11/15/x", ENTRY, "2019-11-18"),
        (META_DATE, TIME, "https://example.com/2019/11/15/x", ENTRY, "2019-11-17"),
        ("", TIME, "https://example.com/2019/11/15/x", ENTRY, "2019-11-16"),
        ("", "", "https://example.com/2019/11/15/x", ENTRY, "2019-11-15"),
        (
            "",
            "<h1>A title here</h1><p>13 November 2019</p>",
            "https://example.com/x",
            ENTRY,
            "2019-11-14",
        ),
        (
            "",
            "<h1>A title here</h1><p>13 November 2019</p>",
            "https://example.com/x",
            None,
            "2019-11-13",
        ),
    ],
)
def test_published_date_follows_the_documented_precedence(
    head: str, body: str, url: str, entry: FeedEntry | None, day: str
) -> None:
    meta = extract_metadata(_page(head, body), url, entry)
    assert meta.published is not None
    assert meta.published.date().isoformat() == day
    assert PRECEDENCE["published"][0] == "JSON-LD datePublished"


def test_a_date_only_htmldate_finds_is_still_given() -> None:
    """Where our own rules find nothing, htmldate's reading of the markup is the fallback."""
    head = ""
    body = (
        "<h2>Rainfall in the valley</h2>"
        + "<p>Text of the report goes on.</p>" * 20
        + '<footer><abbr class="published" title="2021-03-03">3 weeks ago</abbr></footer>'
    )
    meta = extract_metadata(_page(head, body), "https://example.org/rain")
    assert meta.published == datetime(2021, 3, 3, tzinfo=UTC)
    assert extract_metadata(_page("", "<p>No date anywhere.</p>")).published is None


def test_the_code_of_a_style_in_the_body_is_no_visible_date() -> None:
    body = (
        "<h1>Token batching</h1><style>.css-2lv{margin:0;font-size:18px}</style>"
        "<p>December 18, 2025</p>"
    )
    meta = extract_metadata(_page("", body), "https://example.com/blog/token-batching")
    assert meta.published is not None and meta.published.date().isoformat() == "2025-12-18"


def test_json_ld_graph_references_are_followed() -> None:
    meta = extract_metadata(_page(JSONLD, "<h1>Visible headline</h1>"), "https://example.com/a/b")
    assert meta.authors == ("Jane Doe",)
    assert meta.published == datetime(2019, 11, 18, 10, tzinfo=timezone(timedelta(hours=1)))
    assert meta.updated == datetime(2019, 11, 19, 10, tzinfo=timezone(timedelta(hours=1)))
    assert meta.site_name == "Example News"
    assert meta.image == "https://example.com/img/a.jpg"
    assert {"alpha", "beta", "World"} <= set(meta.tags)


def test_the_visible_headline_wins_and_site_suffixes_are_stripped() -> None:
    head = (
        "<title>Opinion | Real headline - The Daily Example</title>"
        '<meta property="og:title" content="Opinion | Real headline">'
        '<meta property="og:site_name" content="The Daily Example">'
    )
    assert extract_metadata(_page(head, "<h1>Real headline</h1>")).title == "Real headline"
    # without an <h1>, the site's name goes from the metadata title
    no_h1 = "<title>Real headline | The Daily Example</title>"
    head2 = no_h1 + '<meta property="og:site_name" content="The Daily Example">'
    assert extract_metadata(_page(head2)).title == "Real headline"
    # a title whose dash is part of the headline keeps it
    dash = "<title>Take C.A.R.E. - comwrap auf der DMEXCO 2018</title>"
    html = _page(dash, "<h1>Take C.A.R.E. - comwrap auf der DMEXCO 2018</h1>", "de")
    assert extract_metadata(html).title == "Take C.A.R.E. - comwrap auf der DMEXCO 2018"


def test_a_blog_s_name_in_the_only_h1_gives_way_to_the_headline() -> None:
    head = (
        '<meta property="og:title" content="Small adventures with small language models | Opinion">'
    )
    meta = extract_metadata(_page(head, "<h1>Engora Data Blog</h1><h2>Archive</h2>"))
    assert meta.title == "Small adventures with small language models"
    # an <h1> that says the same as the metadata title in other words stays the headline
    head2 = '<meta property="og:title" content="How to set up an ergonomic workstation">'
    body2 = "<h1>Setting up an ergonomic workspace</h1>"
    assert extract_metadata(_page(head2, body2)).title == "Setting up an ergonomic workspace"
    # an <h1> with the date glued in gives way to the metadata title it contains
    head3 = '<meta property="og:title" content="Preparing a transition in Debusine">'
    body3 = "<h1>Dec 18 2025 Preparing a transition in Debusine</h1>"
    assert extract_metadata(_page(head3, body3)).title == "Preparing a transition in Debusine"


def test_a_time_without_zone_is_read_in_the_zone_the_page_states() -> None:
    head = (
        '<meta property="article:published_time" content="2019-11-18 23:30">'
        '<meta property="article:modified_time" content="2019-11-19T08:00:00+02:00">'
    )
    meta = extract_metadata(_page(head))
    assert meta.published == datetime(2019, 11, 18, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    naive_only = '<meta property="article:published_time" content="2019-11-18 23:30">'
    assert extract_metadata(_page(naive_only)).published == datetime(
        2019, 11, 18, 23, 30, tzinfo=UTC
    )


def test_a_utc_timestamp_is_shown_on_the_day_readers_saw() -> None:
    head = '<meta name="datePublished" content="2019-11-19 02:24:00">'
    body = (
        '<h1>Browns player on the fight</h1><time datetime="2019-11-19 02:24:00 UTC">'
        "Nov 18, 2019 at 9:24 pm ET</time>"
    )
    meta = extract_metadata(_page(head, body))
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2019-11-18"
    assert meta.published == datetime(2019, 11, 19, 2, 24, tzinfo=UTC)


def test_comment_authors_and_dates_are_not_the_article_s() -> None:
    body = (
        '<h1>Some headline here</h1><p class="article-info__authors">Текст: Лида Буслаева</p>'
        '<div class="comments"><span itemprop="author">Гость</span>'
        '<time itemprop="datePublished" datetime="2018-11-05T19:17:10+03:00">05.11.18</time>'
        "</div>"
    )
    head = '<meta itemprop="datePublished" content="2018-10-11T08:53:00+03:00">'
    meta = extract_metadata(_page(head, body, "ru"))
    assert meta.authors == ("Лида Буслаева",)
    assert meta.published is not None and meta.published.date().isoformat() == "2018-10-11"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["By TOM KRISHER, AP Auto Writer"], ("Tom Krisher",)),
        (["Par Moon of Alabama"], ("Moon of Alabama",)),
        (
            ["By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER"],
            ("Lisa Mascaro", "Mary Clare Jalonick", "Eric Tucker"),
        ),
        (
            ["by Bryan DeArdo @BryanDeArdo Nov 18, 2019 at 9:24 pm ET • 2 min read"],
            ("Bryan DeArdo",),
        ),
        (["Sarah.Needleman@wsj.com", "https://www.facebook.com/x", "Posted by admin"], ()),
        (["Jean Dupont et Marie Curie", "Jean Dupont"], ("Jean Dupont", "Marie Curie")),
        (["Von Moritz Bachmann publiziert am 25. September 2018"], ("Moritz Bachmann",)),
        (["Finian Cunningham. Sputnik International"], ("Finian Cunningham",)),
        (["Von Anna Schmidt und Jonas Weber"], ("Anna Schmidt", "Jonas Weber")),
        (["Par Jeanne Martin et Paul Durand"], ("Jeanne Martin", "Paul Durand")),
        (["Ana García, Luis Pérez y Marta Ruiz"], ("Ana García", "Luis Pérez", "Marta Ruiz")),
        (["Redaktion", "Podium Staff", "following these simple strategies"], ()),
        (
            [
                "Photo: Jane Doe",
                "Foto: dpa",
                "Solen Feyissa on Unsplash",
                "Jane Doe / Getty Images",
                "Reviewed by Robert Tschudi",
                "Government Websites by CivicPlus®",
            ],
            (),
        ),
        (["By Anna Weber, Fotos: Max Muster"], ("Anna Weber",)),
        (["Recipe by PJ Hamel"], ("PJ Hamel",)),
        (["By Keith Barry Senior Autos Reporter"], ("Keith Barry",)),
        (["View all posts by Ray Ansari"], ("Ray Ansari",)),
        (["Adrien Ramirez, software, laptops"], ("Adrien Ramirez",)),
        (["The Author"], ()),
    ],
)
def test_author_names_are_cleaned(raw: list[str], names: tuple[str, ...]) -> None:
    assert clean_authors(raw, exclude=["Sputnik International"]) == names


def test_a_personal_site_s_author_is_its_owner_but_a_desk_line_in_text_is_no_one() -> None:
    head = (
        '<meta property="og:site_name" content="Sam Bossley">'
        '<meta name="author" content="Sam Bossley">'
    )
    meta = extract_metadata(_page(head, "<h1>Notes on Rust</h1>"), "https://bossley.com/rust")
    assert meta.authors == ("Sam Bossley",)
    # an organisation the markup names as author is kept; the same line in the text is not
    team = '<meta name="author" content="Camphouse Team">'
    assert extract_metadata(_page(team)).authors == ("Camphouse Team",)
    byline = '<h1>Notes on Rust</h1><p class="byline">By Camphouse Team</p>'
    assert extract_metadata(_page("", byline)).authors == ()


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Sam Bossley", True),
        ("Jan van der Berg", True),
        ("J. R. Smith", True),
        ("Global Research", False),
        ("Moon of Alabama", False),
        ("LinkNaija", False),
        ("Sputnik International", False),
    ],
)
def test_a_person_s_name_is_told_from_an_organisation_s(name: str, person: bool) -> None:
    assert looks_like_person(name) is person


def test_a_byline_whose_names_sit_around_a_lone_by_is_read_whole() -> None:
    body = (
        '<h1>Some headline here</h1><div class="author-by-line"><a class="author-link">'
        '<span class="author-by-line-white">By</span> Scott Pletcher</a></div>'
        '<li class="authorization-link">Sign In</li>'
    )
    assert extract_metadata(_page("", body)).authors == ("Scott Pletcher",)


def test_the_site_itself_is_no_author() -> None:
    head = (
        '<meta property="og:site_name" content="LinkNaija">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
        ' "author": {"@type": "Person", "name": "LinkNaija"}}</script>'
    )
    assert extract_metadata(_page(head), "https://www.linknaija.com/x").authors == ()


def test_language_is_declared_else_detected() -> None:
    english = "The committee met on Tuesday to discuss the budget and the new schools. " * 10
    assert extract_metadata(_page(lang="pt-BR"), body_text=english[:150]).language == "pt"
    assert extract_metadata(_page(lang=""), body_text=english).language == "en"
    # a long body surely in another language overrules a template's default declaration
    assert extract_metadata(_page(lang="de"), body_text=english).language == "en"
    head = '<meta property="og:locale" content="es_ES">'
    assert extract_metadata(_page(head, lang="")).language == "es"


def test_feed_entry_fills_what_the_page_does_not_say() -> None:
    entry = FeedEntry(
        url="https://example.com/a",
        title="Feed title",
        authors=("Feed Author",),
        tags=("feedtag",),
        summary="From the feed.",
    )
    meta = extract_metadata("<html><body><p>Nothing here.</p></body></html>", entry.url, entry)
    assert meta.title == "Feed title"
    assert meta.authors == ("Feed Author",)
    assert meta.tags == ("feedtag",)
    assert meta.description == "From the feed."


@pytest.mark.parametrize("html", ["", "   ", "<<<>>>", "\x00\x01", "<?xml version='1.0'?><a/>"])
def test_bad_input_gives_empty_metadata_without_raising(html: str) -> None:
    meta = extract_metadata(html, "not a url")
    assert isinstance(meta, Metadata)
    assert meta.title is None and meta.published is None


def _annotated() -> list[tuple[str, str, dict[str, object]]]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found: {CORPUS}")
    annotations = json.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    return [
        (pid, gzip.decompress((CORPUS / f"{pid}.html.gz").read_bytes()).decode(), truth)
        for pid, truth in annotations.items()
        if not pid.startswith("_")
    ]


def test_accuracy_on_the_annotated_pages_stays_above_its_floors() -> None:
    pages = _annotated()
    hits = {"title": 0, "published": 0, "authors": 0, "original_url": 0}
    cpu = 0.0
    for _pid, html, truth in pages:
        start = time.process_time()
        meta = extract_metadata(html, str(truth["url"]))
        cpu += time.process_time() - start
        hits["title"] += (meta.title or "").casefold() == str(truth["title"]).casefold()
        day = meta.published.date().isoformat() if meta.published else None
        hits["published"] += day == truth["published"]
        want = {name_key(a) for a in truth["authors"]}  # type: ignore[attr-defined]
        hits["authors"] += {name_key(a) for a in meta.authors} == want
        hits["original_url"] += meta.original_url == truth["original_url"]
    accuracy = {field: n / len(pages) for field, n in hits.items()}
    floors = {"title": 0.93, "published": 0.93, "authors": 0.87, "original_url": 0.95}
    assert all(accuracy[f] >= floors[f] for f in floors), accuracy
    assert 1000 * cpu / len(pages) < 15, "metadata extraction got slow (budget: 8 ms a page)"


def test_the_language_model_kept_decompressed_in_the_cache_reads_as_the_shipped_one(
    tmp_path, monkeypatch
) -> None:
    """The model is decompressed once into the user's cache folder and read from there after;
    detection is the same. An unwritable cache folder only means reading it as shipped."""
    from py3langid import langid

    from scraper.extract import language
    from tests.corpus import load_pages, require_corpus

    require_corpus()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = language._cached_identifier()
    [kept] = list((tmp_path / "cache" / "scraper").glob("langid-*.npz"))
    read = language._cached_identifier()  # from the file now
    shipped = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    for page in load_pages(40):
        sample = page.body[:1200]
        assert read.classify(sample) == made.classify(sample) == shipped.classify(sample)
    assert kept.stat().st_size > 10_000_000

    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    unwritable = language._cached_identifier()  # read as shipped, and no cache this time
    assert unwritable.classify(sample) == shipped.classify(sample)
    language.language_identifier.cache_clear()
    assert language.detect_language(load_pages(1)[0].body) is not None  # as shipped
    language.language_identifier.cache_clear()

"""Which date a page gives as its publication date, and on which day the page put it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scraper.extract.metadata import extract_metadata
from scraper.extract.published import on_url_day


def _page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _meta_date(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


@pytest.mark.parametrize(
    ("stamp", "url", "day"),
    [
        # written in the evening west of Greenwich: the UTC day is the next one
        (
            "2025-12-19T02:41:41+00:00",
            "https://example.com/2025/12/18/comfort-watch/",
            "2025-12-18",
        ),
        # written just after midnight east of it: the UTC day is the one before
        ("2019-03-11T23:30:00Z", "https://example.de/politik/2019-03-12/wahl.html", "2019-03-12"),
        # the URL agrees: nothing to move
        ("2025-12-19T02:41:41+00:00", "https://example.com/2025/12/19/x/", "2025-12-19"),
        # midday UTC is the same day nearly everywhere: the URL names another day for its own reasons
        ("2019-11-16T10:00:00Z", "https://example.com/2019/11/15/x", "2019-11-16"),
        # the page states its offset: it is kept
        ("2025-12-18T21:41:41-05:00", "https://example.com/2025/12/19/x/", "2025-12-18"),
    ],
)
def test_a_utc_timestamp_is_shown_on_the_day_its_url_names(stamp: str, url: str, day: str) -> None:
    meta = extract_metadata(_page(_meta_date(stamp), "<h1>A headline here</h1>"), url)
    assert meta.published is not None
    assert meta.published.date().isoformat() == day


def test_the_url_day_keeps_the_instant() -> None:
    chosen = datetime(2025, 12, 19, 2, 41, tzinfo=UTC)
    moved = on_url_day(chosen, "https://example.com/2025/12/18/x/")
    assert moved == chosen  # the same instant
    assert moved.utcoffset() == timedelta(hours=-3)
    assert moved.date().isoformat() == "2025-12-18"
    assert on_url_day(chosen, "https://example.com/x/") is chosen
    east = datetime(2019, 3, 11, 23, 30, tzinfo=timezone(timedelta(0)))
    assert on_url_day(east, "https://example.com/2019/03/12/x").utcoffset() == timedelta(hours=1)


def _filler(n: int) -> str:
    return "".join(
        f"<p>Paragraph {i} of the report on the valley goes on here.</p>" for i in range(n)
    )


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Posted in Weather. Last edited on 3 March 2019.", "2019-03-03"),
        ("Zuletzt bearbeitet: 12. März 2019", "2019-03-12"),
        ("Texte mis en ligne le 5 février 2020", "2020-02-05"),
    ],
)
def test_a_date_written_far_from_the_headline_is_found_by_the_second_opinion(
    line: str, day: str
) -> None:
    """Our rules look next to the headline; the second opinion reads the whole text."""
    body = "<h1>Rainfall in the valley</h1>" + _filler(40) + f"<div><p>{line}</p></div>"
    meta = extract_metadata(_page("", body), "https://example.org/rain")
    assert meta.published is not None
    assert meta.published.date().isoformat() == day


def test_a_copyright_year_is_no_publication_date() -> None:
    body = "<h1>Rainfall in the valley</h1>" + _filler(10) + "<footer>© 2024 Example</footer>"
    assert extract_metadata(_page("", body), "https://example.org/rain").published is None


META_2013 = _meta_date("2013-03-11T11:11:07-07:00")


@pytest.mark.parametrize(
    ("lang", "byline", "day"),
    [
        ("en", "By Jane Doe · March 20, 2023 · 5 min read", "2023-03-20"),
        ("de", "Von Max Muster, 20. März 2023, 10:15 Uhr", "2023-03-20"),
        ("fr", "Par Jean Dupont, publié le 20 mars 2023 à 10h15", "2023-03-20"),
        ("es", "Por Ana García, 20 de marzo de 2023", "2023-03-20"),
        ("pl", "Jan Kowalski, 20 marca 2023", "2023-03-20"),
        ("ru", "Иван Петров, 20 марта 2023", "2023-03-20"),
    ],
)
def test_the_date_shown_under_the_headline_beats_stale_metadata(
    lang: str, byline: str, day: str
) -> None:
    """A page re-dated for its readers keeps an old first-publication stamp in its metadata."""
    body = f"<h1>Nine common food myths</h1><p>{byline}</p>" + _filler(5)
    html = f'<html lang="{lang}"><head>{META_2013}</head><body>{body}</body></html>'
    meta = extract_metadata(html, "https://example.org/myths")
    assert meta.published is not None
    assert meta.published.date().isoformat() == day


@pytest.mark.parametrize(
    ("lang", "byline"),
    [
        ("en", "By Jane Doe · Updated on March 20, 2023"),
        ("en", "By Jane Doe | Last updated: 20 March 2023"),
        ("de", "Von Max Muster, aktualisiert am 20.03.2023"),
        ("de", "Stand: 20.03.2023 14:05 Uhr"),
        ("de", "Stand vom 20.03.2023"),
        ("de", "Von Max Muster | Letzte Aktualisierung: 20.03.2023"),
        ("de", "Zuletzt bearbeitet am 20. März 2023"),
        ("de", "Update vom 20.03.2023, 14:05 Uhr"),
        ("en", "Update: March 20, 2023"),
        ("en", "By Jane Doe. Last update: March 20, 2023"),
        ("fr", "Par Jean Dupont, mis à jour le 20 mars 2023"),
        ("es", "Por Ana García. Actualizado el 20 de marzo de 2023"),
        ("pl", "Jan Kowalski. Zaktualizowano: 20 marca 2023"),
        ("ru", "Иван Петров. Обновлено 20 марта 2023"),
    ],
)
def test_an_update_date_under_the_headline_leaves_the_publication_date(
    lang: str, byline: str
) -> None:
    body = f"<h1>Nine common food myths</h1><p>{byline}</p>" + _filler(5)
    html = f'<html lang="{lang}"><head>{META_2013}</head><body>{body}</body></html>'
    meta = extract_metadata(html, "https://example.org/myths")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2013-03-11"


def test_a_german_stand_line_under_the_headline_keeps_the_earlier_publication_date() -> None:
    """German news pages put 'Stand: <date> Uhr', the last edit, under the headline; the
    publication date in the markup is the earlier one and stays."""
    ld = '{"@type": "NewsArticle", "datePublished": "2024-03-11T09:30:00+01:00"}'
    head = f'<script type="application/ld+json">{ld}</script>'
    body = "<h1>Bahnstreik beendet</h1><p>Stand: 12.03.2024 14:05 Uhr</p>" + _filler(5)
    html = f'<html lang="de"><head>{head}</head><body>{body}</body></html>'
    meta = extract_metadata(html, "https://example.de/bahnstreik")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2024-03-11"


def test_a_word_ending_in_an_update_label_is_no_label() -> None:
    """'Zustand' ends in 'stand' but labels nothing: the date after it is shown as written."""
    body = "<h1>Nine common food myths</h1><p>Von Max Muster, Zustand 20.03.2023</p>" + _filler(5)
    html = f'<html lang="de"><head>{META_2013}</head><body>{body}</body></html>'
    meta = extract_metadata(html, "https://example.org/myths")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2023-03-20"


def test_a_shown_date_a_day_off_the_metadata_is_the_zone_not_another_date() -> None:
    head = _meta_date("2025-07-05T01:30:00-07:00")
    body = "<h1>An affiliate guide</h1><p>Author: Alec Doe July 4, 2025</p>"
    meta = extract_metadata(_page(head, body), "https://example.org/guide")
    assert meta.published == datetime(2025, 7, 5, 1, 30, tzinfo=timezone(timedelta(hours=-7)))


def test_a_date_deep_in_the_text_is_no_byline_date() -> None:
    text = "<p>" + "The report on the valley rainfall goes on for a long while here. " * 5
    body = "<h1>Rainfall in the valley</h1>" + text + "On 20 March 2023 the river rose.</p>"
    meta = extract_metadata(_page(META_2013, body), "https://example.org/rain")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2013-03-11"


def test_a_comment_s_date_under_the_headline_is_no_shown_date() -> None:
    body = (
        "<h1>Nine common food myths</h1>"
        '<div id="comments"><p>Reader wrote on March 20, 2023: great piece</p></div>'
    )
    meta = extract_metadata(_page(META_2013, body), "https://example.org/myths")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2013-03-11"


def test_the_second_opinion_never_pays_for_htmldate_s_extensive_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """htmldate's extensive search costs 0.1-0.3 s a page (dateparser): the date written in the
    text is read by our own finder instead, and a page without one costs one quick look."""
    import htmldate

    searches: list[bool] = []
    real = htmldate.find_date

    def spy(*args: object, **kwargs: object) -> str | None:
        searches.append(bool(kwargs.get("extensive_search")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(htmldate, "find_date", spy)
    undated = "<h1>Rainfall in the valley</h1>" + _filler(5)
    assert extract_metadata(_page("", undated), "https://example.org/rain").published is None
    assert searches == [False]
    searches.clear()
    dated = undated + _filler(30) + "<p>Last edited on 3 March 2019.</p>"
    meta = extract_metadata(_page("", dated), "https://example.org/rain")
    assert meta.published is not None and meta.published.date().isoformat() == "2019-03-03"
    assert searches == [False]


def test_a_date_shown_after_the_page_was_last_modified_is_an_event_s() -> None:
    head = _meta_date("2025-01-10T09:00:00Z") + (
        '<meta property="article:modified_time" content="2025-01-12T09:00:00Z">'
    )
    body = "<h1>Spring book fair announced</h1><p>Hall 3 · 20 March 2025 · free entry</p>"
    meta = extract_metadata(_page(head, body), "https://example.org/fair")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2025-01-10"


def _saved(stamp: str) -> str:
    """Metadata giving one stamp as both publication and modification."""
    return _meta_date(stamp) + f'<meta property="article:modified_time" content="{stamp}">'


@pytest.mark.parametrize(
    ("body", "day"),
    [
        # the page's own update line under the headline: updated before it was "published"
        (
            "<h1>Seven days of meals</h1><p>By Tracy Doe, Page updated: 12 November 2025</p>",
            "2025-11-12",
        ),
        # a <time> in the title bar, above the headline
        (
            '<div><time datetime="2024-03-01">March 1, 2024</time></div><h1>Healthy eating</h1>',
            "2024-03-01",
        ),
        # a date shown after the stamp is an event's: the stamp stays
        ("<h1>Seven days of meals</h1><p>Book fair · 20 December 2025</p>", "2025-11-13"),
    ],
)
def test_a_stamp_given_as_both_publication_and_modification_yields_to_an_earlier_shown_date(
    body: str, day: str
) -> None:
    """One stamp for both is the time the page was saved; what readers see before it is older."""
    html = _page(_saved("2025-11-13T09:21:40Z"), body + _filler(3))
    meta = extract_metadata(html, "https://example.org/meals")
    assert meta.published is not None
    assert meta.published.date().isoformat() == day


def test_distinct_publication_and_modification_stamps_keep_the_publication_date() -> None:
    head = _meta_date("2025-11-13T09:21:40Z") + (
        '<meta property="article:modified_time" content="2025-11-14T10:00:00Z">'
    )
    body = "<h1>Seven days of meals</h1><p>By Tracy Doe, Page updated: 12 November 2025</p>"
    meta = extract_metadata(_page(head, body), "https://example.org/meals")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2025-11-13"


@pytest.mark.parametrize(
    ("lang", "day"),
    [("en-US", "2024-01-04"), ("en-GB", "2024-04-01"), ("de", "2024-04-01")],
)
def test_the_second_opinion_reads_numeric_dates_in_the_page_s_language(lang: str, day: str) -> None:
    """'01-04-2024' is 4 January in American English, 1 April in most other places."""
    body = "<h1>How fast do e-boards go</h1>" + _filler(40) + "<div>Post time: 01-04-2024</div>"
    html = f'<html lang="{lang}"><head></head><body>{body}</body></html>'
    meta = extract_metadata(html, "https://example.org/e-boards")
    assert meta.published is not None
    assert meta.published.date().isoformat() == day


def test_a_modified_date_is_no_publication_date_when_the_text_shows_an_earlier_one() -> None:
    """htmldate falls back on the modified stamp; the page's own earlier date is nearer."""
    head = '<meta property="article:modified_time" content="2025-12-23T07:02:15+00:00">'
    body = "<h1>How fast do e-boards go</h1>" + _filler(40) + "<div>Post time: 4 January 2024</div>"
    meta = extract_metadata(_page(head, body), "https://example.org/e-boards")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2024-01-04"
    assert meta.updated is not None and meta.updated.date().isoformat() == "2025-12-23"


def test_a_modified_date_stands_when_the_text_shows_no_earlier_one() -> None:
    head = '<meta property="article:modified_time" content="2025-12-23T07:02:15+00:00">'
    body = "<h1>How fast do e-boards go</h1>" + _filler(40)
    meta = extract_metadata(_page(head, body), "https://example.org/e-boards")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2025-12-23"


@pytest.mark.parametrize(
    "line",
    [
        "Jump to Latest 6.3K views 23 replies last post by ggery Sep 26, 2024",
        "12 Antworten · Letzter Beitrag: 26.09.2024, 14:05",
    ],
)
def test_a_thread_s_last_post_date_under_the_headline_is_no_publication_date(line: str) -> None:
    """A forum thread shows its latest reply's date under the title; the thread began earlier."""
    head = _meta_date("2024-01-03T11:23:42-05:00") + (
        '<meta property="article:modified_time" content="2024-09-26T01:50:27-04:00">'
    )
    body = f"<h1>Replacement projector recommendations</h1><p>{line}</p>" + _filler(3)
    meta = extract_metadata(_page(head, body), "https://example.org/threads/projectors.1/")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2024-01-03"


@pytest.mark.parametrize(
    "line",
    [
        "galitsyn Posts: 138 Joined: 4. Jul 2012, 16:09",
        "Kevin · Member since March 4, 2012",
        "Max Muster · Mitglied seit 04.07.2012",
    ],
)
def test_a_member_s_join_date_under_the_headline_is_no_publication_date(line: str) -> None:
    """A post's header shows when its author joined the forum: a date, not the post's."""
    body = (
        "<h2>Discuss the 7.1.0 release here</h2>"
        f"<p>{line}</p>"
        '<p>Post by galitsyn <time datetime="2024-09-11T16:36:25+00:00">11 Sep 2024</time></p>'
        + _filler(3)
    )
    head = "<title>Discuss the 7.1.0 release here</title>"
    meta = extract_metadata(_page(head, body), "https://forums.example.org/viewtopic.php?t=1")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2024-09-11"


def test_a_reply_s_microdata_date_is_no_publication_date() -> None:
    """A forum marks its replies as schema.org Comments with their own datePublished; the
    thread's first post, marked or not, is what the page published."""

    def post(stamp: str, shown: str, reply: bool) -> str:
        typed = ' itemscope itemtype="https://schema.org/Comment"' if reply else ""
        prop = ' itemprop="datePublished"' if reply else ""
        return f'<article{typed}><p><time datetime="{stamp}"{prop}>{shown}</time></p></article>'

    body = (
        "<h1>Digital cameras: a status symbol?</h1><p>Thread starter Kevin</p>"
        + post("2024-01-10T12:47:16-0500", "Jan 10, 2024", reply=False)
        + _filler(3)
        + post("2024-01-11T19:11:34-0500", "Jan 11, 2024", reply=True)
        + post("2024-01-12T16:01:49-0500", "Jan 12, 2024", reply=True)
    )
    meta = extract_metadata(_page("", body), "https://forum.example.org/threads/cameras.56948/")
    assert meta.published is not None
    assert meta.published.date().isoformat() == "2024-01-10"

"""Dates as pages write them: formats, languages, zones, and the day readers saw."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scraper.extract.dates import PARSERS, find_date, localise, page_zone, parse_date, url_date

CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-05-21T10:00:00+02:00", "2016-05-21T10:00:00+02:00"),
        ("2019-11-19T21:57:01+0000", "2019-11-19T21:57:01+00:00"),
        ("2019-11-18T21:10:29.000Z", "2019-11-18T21:10:29+00:00"),
        ("2019-11-19 02:24:00 UTC", "2019-11-19T02:24:00+00:00"),
        ("20191119", "2019-11-19T00:00:00+00:00"),
        ("Tue, 19 Nov 2019 05:44:06 GMT", "2019-11-19T05:44:06+00:00"),
        ("Tue Nov 19 2019 05:44:06 GMT+0000", "2019-11-19T05:44:06+00:00"),
        ("May 19, 2016", "2016-05-19T00:00:00+00:00"),
        ("21 mai 2016", "2016-05-21T00:00:00+00:00"),
        ("19. Mai 2016", "2016-05-19T00:00:00+00:00"),
        ("5 de mayo de 2019", "2019-05-05T00:00:00+00:00"),
        ("12 marzo 2020", "2020-03-12T00:00:00+00:00"),
        ("sexta-feira, 22 de outubro de 2010 às 20:13", "2010-10-22T20:13:00+00:00"),
        ("3 mei 2018", "2018-05-03T00:00:00+00:00"),
        ("3 déc. 2018", "2018-12-03T00:00:00+00:00"),
        ("11 октября 2018", "2018-10-11T00:00:00+00:00"),
        ("Maret 30, 2015", "2015-03-30T00:00:00+00:00"),
        ("2018년 8월 25일", "2018-08-25T00:00:00+00:00"),
        ("2013年04月09日", "2013-04-09T00:00:00+00:00"),
        ("Wednesday, 20th November 2019", "2019-11-20T00:00:00+00:00"),
        ("19/05/2016", "2016-05-19T00:00:00+00:00"),
        ("16:17 05.11.18", "2018-11-05T16:17:00+00:00"),
        ("2016.12.01", "2016-12-01T00:00:00+00:00"),
        ("04-ago-2021 5:11", "2021-08-04T05:11:00+00:00"),
        ("12-Mar-2020", "2020-03-12T00:00:00+00:00"),
        ("12. března 2019", "2019-03-12T00:00:00+00:00"),
        ("Aktualizováno 3. listopadu 2020", "2020-11-03T00:00:00+00:00"),
        ("12 Mart 2019 Salı", "2019-03-12T00:00:00+00:00"),
        ("12 березня 2019", "2019-03-12T00:00:00+00:00"),
        ("Publicat la 12 martie 2019", "2019-03-12T00:00:00+00:00"),
        ("12. marts 2019", "2019-03-12T00:00:00+00:00"),
        ("Publisert 4. desember 2018", "2018-12-04T00:00:00+00:00"),
    ],
)
def test_parses_common_formats_and_languages(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.isoformat() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thursday 19 May 2016 10.05 BST", "2016-05-19T10:05:00+01:00"),
        ("Nov. 18, 2019 at 9:24 pm ET", "2019-11-18T21:24:00-05:00"),
        ("July 4, 2019 at 9:24 pm ET", "2019-07-04T21:24:00-04:00"),
        ("01:38:07 PM IST Nov 20, 2019", "2019-11-20T13:38:07+05:30"),
        ("November 19, 2019, 07:47 PM EST", "2019-11-19T19:47:00-05:00"),
        ("November 20, 2019 - 11:28 AMT", "2019-11-20T11:28:00+04:00"),
        ("11/19/19 06:56 AM EST", "2019-11-19T06:56:00-05:00"),
    ],
)
def test_reads_the_time_and_zone_written_next_to_the_date(text: str, expected: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.isoformat() == expected


def test_a_naive_time_is_utc_unless_the_caller_knows_the_page_zone() -> None:
    assert parse_date("2016-05-21 10:00") == datetime(2016, 5, 21, 10, tzinfo=UTC)
    assert parse_date("2016-05-21 10:00", tz=CEST) == datetime(2016, 5, 21, 10, tzinfo=CEST)


def test_ambiguous_numeric_dates_follow_the_language() -> None:
    assert parse_date("05/06/2019", languages=["en-US"]) == datetime(2019, 5, 6, tzinfo=UTC)
    assert parse_date("05/06/2019", languages=["fr"]) == datetime(2019, 6, 5, tzinfo=UTC)
    assert parse_date("05/06/2019", languages=["en-GB"]) == datetime(2019, 6, 5, tzinfo=UTC)
    # a number above 12 can only be the day, whatever the language
    assert parse_date("11/19/2019", languages=["fr"]) == datetime(2019, 11, 19, tzinfo=UTC)
    assert parse_date("19/11/2019", languages=["en-US"]) == datetime(2019, 11, 19, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["2 days ago at 07:52 am", "Today 12:01 AM", "0001-01-01T00:00Z", "", "n/a", "13 Aug"]
)
def test_refuses_relative_partial_and_placeholder_dates(text: str) -> None:
    assert parse_date(text) is None


def test_finds_a_date_inside_a_byline_and_says_where() -> None:
    found = find_date("By Jeff Foust Monday, November 18, 2019")
    assert found is not None
    assert found.value.date().isoformat() == "2019-11-18"
    assert "By Jeff Foust Monday, November 18, 2019"[found.start : found.end] == "November 18, 2019"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Valid 31.02.23, posted 3 March 2023", "2023-03-03"),
        ("Firmware 1.1.1970 build, am 12.03.2019 veröffentlicht", "2019-03-12"),
        ("Réf. 45/13/2020 — publié le 5 mars 2020", "2020-03-05"),
    ],
)
def test_a_look_alike_that_is_no_date_does_not_hide_the_date_after_it(text: str, day: str) -> None:
    found = find_date(text)
    assert found is not None
    assert found.value.date().isoformat() == day


def test_an_impossible_time_next_to_a_date_leaves_the_date() -> None:
    assert parse_date("2019-11-19T24:30:00") == datetime(2019, 11, 19, tzinfo=UTC)


def test_every_registered_parser_parses_something() -> None:
    examples = {
        "iso8601": "2019-11-19",
        "ymd-numeric": "2019/11/19",
        "dmy-numeric": "19.11.2019",
        "day-month-year": "19 novembre 2019",
        "month-day-year": "November 19, 2019",
        "cjk": "2019年11月19日",
    }
    assert {name for name, _ in PARSERS} == set(examples)
    for name, parser in PARSERS:
        assert parser(examples[name], True) is not None, name


def test_page_zone_is_the_first_non_utc_offset_stated() -> None:
    assert page_zone(["2019-11-19T10:00:00Z", "2019-11-19T11:00:00+01:00"]) == timezone(
        timedelta(hours=1)
    )
    assert page_zone(["2019-11-19T10:00:00Z"]) == UTC
    assert page_zone(["2019-11-19 10:00"]) is None


def test_a_utc_timestamp_takes_the_visible_local_time_of_the_same_instant() -> None:
    chosen = datetime(2019, 11, 19, 2, 24, tzinfo=UTC)
    shown = find_date("Nov 18, 2019 at 9:24 pm ET")
    assert shown is not None
    assert localise(chosen, [shown]).date().isoformat() == "2019-11-18"
    # a zone-less visible time 8 hours before the UTC timestamp gives the offset
    naive = find_date("November 18, 2019 11:03 PM")
    assert naive is not None
    local = localise(datetime(2019, 11, 19, 7, 3, 25, tzinfo=UTC), [naive])
    assert local.utcoffset() == timedelta(hours=-8)
    assert local.date().isoformat() == "2019-11-18"


def test_a_visible_date_of_another_instant_changes_nothing() -> None:
    chosen = datetime(2019, 11, 19, 2, 24, tzinfo=UTC)
    other = find_date("Nov 10, 2019 at 9:24 pm ET")
    assert other is not None
    assert localise(chosen, [other]) == chosen


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.vox.com/2019/11/8/20948348/delhi", None),  # no zero-padded day: ambiguous
        ("https://nypost.com/2019/11/18/chinese-hunter/", "2019-11-18"),
        ("https://www.theguardian.com/commentisfree/2019/nov/18/the-view", "2019-11-18"),
        ("https://www.quantamagazine.org/tuft-cells-20191115/", "2019-11-15"),
        ("https://example.com/news/1206313/hong-kong", None),
    ],
)
def test_url_dates(url: str, expected: str | None) -> None:
    found = url_date(url)
    assert (found.date().isoformat() if found else None) == expected

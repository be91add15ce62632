"""One contract for every index: each test runs on SQLite and on PostgreSQL and must pass alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bench.synth import build_network, load_bodies
from scraper.dedupe import DedupeDoc, Placement
from scraper.errors import StorageError
from scraper.models import Article, FeedEntry, StoredArticle, WarcLocation
from scraper.store.base import (
    FetchRecord,
    HostHold,
    PageFailure,
    RobotsRecord,
    SourceState,
    Store,
)
from scraper.store.health import FailedPage, PollRecord
from scraper.store.pg_schema import MIGRATIONS as PG_MIGRATIONS
from scraper.store.postgres import PostgresStore
from scraper.store.search import SearchSyntaxError, to_tsquery_text
from scraper.urls import article_id
from tests.stores import BACKENDS, POSTGRES_URL, open_backend, postgres_schema, reopen

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
TRUTH = (
    Path(__file__).resolve().parents[2]
    / "shared/corpora/article-extraction-benchmark/ground-truth.json"
)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_backend(request.param, tmp_path) as opened:
        yield opened


def article(url: str, text: str = "Plain words about nothing much.", **fields: object) -> Article:
    return Article(url=url, text=text, markdown=text, **fields)  # type: ignore[arg-type]


def save(
    store: Store, url: str, *, source: str = "one", at: datetime = T0, **fields: object
) -> StoredArticle:
    entry = fields.pop("entry", None)
    aliases = fields.pop("aliases", ())
    next_revisit = fields.pop("next_revisit", None)
    return store.save_article(
        source=source,
        url=url,
        article=article(url, **fields),
        entry=entry,  # type: ignore[arg-type]
        fetched_at=at,
        path=f"site/{article_id(url)}",
        aliases=aliases,  # type: ignore[arg-type]
        warc=WarcLocation("warc/a.warc.gz", 10),
        next_revisit=next_revisit,  # type: ignore[arg-type]
    )


def test_reopening_migrates_nothing_again_and_keeps_everything(store: Store) -> None:
    stored = save(store, "https://a.example/1", title="One")
    version = store.schema_version
    assert version >= 1
    other = reopen(store)
    try:
        assert other.schema_version == version
        assert other.get_article(stored.id) == stored
        save(other, "https://a.example/2")  # what one writes, the other reads at once
        assert store.count_articles() == 2
    finally:
        other.close()


# -- fetch state ----------------------------------------------------------------------------
def test_validators_are_remembered_and_replaced(store: Store) -> None:
    assert store.get_validators("https://a.example/feed") == (None, None)
    store.set_validators("https://a.example/feed", '"v1"', None)
    store.set_validators("https://a.example/feed", '"v2"', "Wed, 01 May 2024 12:00:00 GMT")
    assert store.get_validators("https://a.example/feed") == (
        '"v2"',
        "Wed, 01 May 2024 12:00:00 GMT",
    )


def test_host_holds_and_robots_keep_aware_times_to_the_second(store: Store) -> None:
    assert store.get_host_hold("a.example") is None and store.get_robots("a.example") is None
    store.set_host_hold(HostHold("a.example", T0 + timedelta(microseconds=999), "Retry-After"))
    store.set_host_hold(HostHold("a.example", T0 + timedelta(hours=1), "robots 503"))
    assert store.get_host_hold("a.example") == HostHold(
        "a.example", T0 + timedelta(hours=1), "robots 503"
    )
    naive = datetime(2024, 5, 2, 8, 30, 15, 123456)  # read as UTC
    store.set_robots(RobotsRecord("a.example", 200, "User-agent: *\nDisallow: /x", naive))
    robots = store.get_robots("a.example")
    assert robots == RobotsRecord(
        "a.example", 200, "User-agent: *\nDisallow: /x", datetime(2024, 5, 2, 8, 30, 15, tzinfo=UTC)
    )


def test_a_payload_digest_keeps_its_first_record(store: Store) -> None:
    assert store.find_payload("sha1:AAA") is None
    store.remember_payload("sha1:AAA", "urn:uuid:1", "2024-05-01T12:00:00Z")
    store.remember_payload("sha1:AAA", "urn:uuid:2", "2024-05-02T12:00:00Z")
    assert store.find_payload("sha1:AAA") == ("urn:uuid:1", "2024-05-01T12:00:00Z")


def test_the_fetch_log_lists_newest_first_by_url_and_limit(store: Store) -> None:
    for i in range(3):
        store.log_fetch(
            FetchRecord(
                f"https://a.example/{i % 2}",
                "one",
                T0 + timedelta(minutes=i),
                200,
                None,
                100 + i,
                WarcLocation("warc/a.warc.gz", 1000 * i, 99),
                "page",
            )
        )
    store.log_fetch(
        FetchRecord("https://a.example/robots.txt", None, T0, None, "timeout", kind="robots")
    )
    log = store.fetch_log()
    assert [r.url for r in log] == [
        "https://a.example/robots.txt",
        "https://a.example/0",
        "https://a.example/1",
        "https://a.example/0",
    ]
    assert log[0] == FetchRecord(
        "https://a.example/robots.txt", None, T0, None, "timeout", kind="robots"
    )
    only = store.fetch_log("https://a.example/0", limit=1)
    assert only == [
        FetchRecord(
            "https://a.example/0",
            "one",
            T0 + timedelta(minutes=2),
            200,
            None,
            102,
            WarcLocation("warc/a.warc.gz", 2000, 99),
            "page",
        )
    ]


def test_a_boilerplate_model_is_kept_per_source(store: Store) -> None:
    assert store.get_boilerplate("one") is None
    store.set_boilerplate("one", '{"lines": 1}')
    store.set_boilerplate("one", '{"lines": 2}')
    assert store.get_boilerplate("one") == '{"lines": 2}'
    assert store.get_boilerplate("two") is None


# -- sources --------------------------------------------------------------------------------
def test_source_state_round_trips_and_counts_articles(store: Store) -> None:
    assert store.source_state("one") == SourceState("one")
    state = SourceState(
        "one",
        "https://a.example/feed",
        "https://a.example/moved",
        T0,
        T0,
        "HTTP 500",
        2,
        T0 + timedelta(minutes=30),
        None,
        1800.0,
    )
    store.save_source_state(state)
    store.save_source_state(SourceState("alpha", last_poll=T0))
    save(store, "https://a.example/1")
    assert store.source_state("one") == SourceState(**{**state.__dict__, "articles": 1})
    assert [s.name for s in store.source_states()] == ["alpha", "one"]
    # all at once, each as read alone: article counts included (none for a source without any)
    assert store.source_states() == [store.source_state("alpha"), store.source_state("one")]
    assert [s.articles for s in store.source_states()] == [0, 1]


def test_health_reads_the_latest_polls_and_pages(store: Store) -> None:
    for i in range(4):
        store.record_poll(
            "one", T0 + timedelta(hours=i), PollRecord(i != 3, 200 if i != 3 else 500, 10, 1)
        )
    save(store, "https://a.example/1", text="word " * 300, authors=("Jane Doe",), published=T0)
    health = store.health("one")
    assert health.polls == 4 and health.last_status == 500
    assert health.failed_share == pytest.approx(0.25)
    assert health.entries_per_poll == pytest.approx(10)
    assert store.health("nobody").polls == 0


def test_health_counts_the_article_pages_polls_failed_to_fetch(store: Store) -> None:
    store.record_poll("one", T0, PollRecord(True, 200, 4, 4, pages=4, failed_pages=0))
    failed = PollRecord(
        True, 200, 4, 0, pages=4, failed_pages=4, page_error="a.example/4: HTTP 404"
    )
    store.record_poll("one", T0 + timedelta(hours=1), failed)
    health = store.health("one")
    assert health.failed_share == 0 and health.pages == 8
    assert health.failed_pages_share == pytest.approx(0.5)
    assert health.last_page_error == "a.example/4: HTTP 404"
    assert health.pages_failing == "50% of 8 pages failed"


def test_health_counts_the_pages_that_failed_since_its_first_poll(store: Store) -> None:
    store.log_page_failure("one", T0, FailedPage("https://a.example/0", "failed", "old"))
    for i in range(2):
        store.record_poll("one", T0 + timedelta(hours=i + 1), PollRecord(True, 200, 3, 0))
    shell = FailedPage("https://a.example/2", "blocked", "blocked: a JavaScript shell")
    store.log_page_failure("one", T0 + timedelta(hours=1), shell)
    missing = FailedPage("https://a.example/3", "failed", "HTTP 404")
    store.log_page_failure("one", T0 + timedelta(hours=2), missing)
    store.log_page_failure("two", T0 + timedelta(hours=2), shell)
    health = store.health("one")
    assert (health.failed_pages, health.blocked_pages) == (2, 1)  # not the one before the polls
    assert health.last_blocked == shell
    assert store.health("nobody").failed_pages == 0


# -- articles -------------------------------------------------------------------------------
def test_an_article_is_found_by_url_alias_guid_and_id(store: Store) -> None:
    url = "https://a.example/news/1?utm_source=feed"
    entry = FeedEntry(url=url, guid="tag:a.example,2024:1")
    stored = save(
        store,
        url,
        entry=entry,
        aliases=("https://a.example/amp/1",),
        title="One",
        authors=("Jane Doe", "Li Wei"),
        tags=("world",),
        published=T0 - timedelta(days=1),
        canonical_url="https://a.example/news/1",
        description="About one",
        image="https://a.example/1.jpg",
    )
    assert stored.id == article_id(url) and stored.story_id == stored.id and stored.versions == 1
    assert store.find_article("https://a.example/news/1") == stored.id  # normalised URL
    assert store.find_article("https://a.example/amp/1") == stored.id
    assert store.find_article("https://b.example/x", "tag:a.example,2024:1", "one") == stored.id
    assert store.find_article("https://b.example/x", "tag:a.example,2024:1", "two") is None
    assert store.get_article(stored.id) == stored
    assert store.get_article("https://a.example/amp/1") == stored
    assert store.get_article("nope") is None
    assert store.path_owner(stored.path) == stored.id
    assert (stored.title, stored.authors, stored.tags) == (
        "One",
        ("Jane Doe", "Li Wei"),
        ("world",),
    )
    assert stored.published == T0 - timedelta(days=1) and stored.first_seen == T0
    assert stored.extra["guid"] == "tag:a.example,2024:1"
    assert store.count_articles() == 1 and store.count_articles("two") == 0


def test_an_article_keeps_its_feed_entry_and_the_digest_of_the_page_last_compared(
    store: Store,
) -> None:
    entry = FeedEntry(
        url="https://a.example/1",
        guid="g1",
        title="From the feed",
        published=T0 - timedelta(hours=3),
        authors=("B. Writer",),
    )
    stored = save(store, "https://a.example/1", entry=entry)
    assert store.revisit_basis(stored.id) == (entry, None)
    store.set_revisit_basis(stored.id, "abc123")
    assert store.revisit_basis(stored.id) == (entry, "abc123")
    changed = FeedEntry(url="https://a.example/1", guid="g1", title="Retitled")
    store.set_revisit_basis(stored.id, None, changed)
    assert store.revisit_basis(stored.id) == (changed, None)
    assert store.revisit_basis("nope") == (None, None)


def test_a_failed_page_stays_due_until_an_article_holds_one_of_its_urls(store: Store) -> None:
    entry = FeedEntry(url="https://a.example/2?utm_source=rss", guid="g2", title="Two")
    failure = PageFailure(
        url=entry.url,
        source="one",
        entry=entry,
        kind="extraction",
        error="no article body found",
        status=200,
        attempts=1,
        first_failed=T0,
        last_failed=T0,
        next_try=T0,
    )
    store.record_page_failure(failure)
    later = replace(
        failure,
        attempts=2,
        last_failed=T0 + timedelta(minutes=5),
        next_try=T0 + timedelta(minutes=10),
        kind="fetch",
        error="HTTP 500",
    )
    store.record_page_failure(later)
    assert store.page_failure("https://a.example/2") == later  # by its normalised URL
    assert store.page_failures("one") == [later] and store.page_failures("two") == []
    assert store.page_failures(due=T0 + timedelta(minutes=9)) == []
    assert store.page_failures(due=T0 + timedelta(minutes=10)) == [later]
    save(store, "https://a.example/2", entry=entry)
    assert store.page_failures() == [] and store.page_failure(entry.url) is None
    store.record_page_failure(failure)
    store.clear_page_failure("https://a.example/2")
    assert store.page_failures() == []


def test_dates_read_back_in_the_zone_the_page_wrote_them(store: Store) -> None:
    """Kept as instants (to the second), read back in the page's own offset: its day is the day
    the page wrote (23:30 in New York is not the next day in UTC)."""
    new_york = timezone(timedelta(hours=-5))
    written = datetime(2026, 3, 1, 23, 30, tzinfo=new_york)
    stored = save(store, "https://a.example/ny", published=written, updated=written)
    assert stored.published == written and stored.published.utcoffset() == timedelta(hours=-5)
    assert stored.published.date().isoformat() == "2026-03-01"
    kolkata = timezone(timedelta(hours=5, minutes=30))
    edited = article(
        "https://a.example/ny",
        "An edited text.",
        published=datetime(2026, 3, 2, 9, 0, tzinfo=kolkata),
    )
    after = store.add_version(stored.id, edited, fetched_at=T0, minor=False, diff="")
    assert after.published is not None and after.published.utcoffset() == timedelta(minutes=330)
    assert after.updated == written and after.updated.utcoffset() == timedelta(hours=-5)
    [first, second] = list(store.iter_versions(stored.id))
    assert str(first.published) == "2026-03-01 23:30:00-05:00"
    assert str(second.published) == "2026-03-02 09:00:00+05:30"
    utc = save(store, "https://a.example/utc", published=T0)
    assert utc.published == T0 and utc.published.utcoffset() == timedelta(0)


def test_saving_an_article_twice_fails_and_keeps_the_first(store: Store) -> None:
    first = save(store, "https://a.example/1", title="First")
    with pytest.raises(StorageError):
        save(store, "https://a.example/1", title="Second")
    assert store.get_article(first.id) == first
    assert store.count_articles() == 1


def test_a_failing_before_commit_records_nothing(store: Store) -> None:
    seen: list[int] = []

    def write_files(stored: StoredArticle) -> None:
        seen.append(len(list(store.iter_versions(stored.id))))  # sees its own transaction
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.save_article(
            source="one",
            url="https://a.example/1",
            article=article("https://a.example/1"),
            entry=None,
            fetched_at=T0,
            path="p/1",
            before_commit=write_files,
        )
    assert seen == [1]
    assert store.get_article("https://a.example/1") is None
    assert store.find_article("https://a.example/1") is None and store.count_articles() == 0


def test_versions_major_and_minor(store: Store) -> None:
    stored = save(store, "https://a.example/1", title="One", text="First text.")
    later = T0 + timedelta(hours=6)
    major = store.add_version(
        stored.id,
        article("https://a.example/1", "Second text.", title="One (updated)"),
        fetched_at=later,
        minor=False,
        diff="-First\n+Second",
        word_diff="[-First-]{+Second+}",
    )
    assert (major.versions, major.title, major.text, major.last_seen) == (
        2,
        "One (updated)",
        "Second text.",
        later,
    )
    minor = store.add_version(
        stored.id,
        article("https://a.example/1", "Second text!", title="One (updated)"),
        fetched_at=later + timedelta(hours=1),
        minor=True,
        diff="-text.\n+text!",
    )
    assert minor.versions == 2 and minor.text == "Second text."
    versions = list(store.iter_versions(stored.id))
    assert [(v.number, v.minor, v.text) for v in versions] == [
        (1, False, "First text."),
        (2, False, "Second text."),
        (3, True, "Second text!"),
    ]
    assert versions[0].warc == WarcLocation("warc/a.warc.gz", 10)
    assert versions[1].word_diff == "[-First-]{+Second+}" and versions[1].fetched_at == later
    recent = store.recent_versions()
    assert [(a.id, v.number) for a, v in recent] == [(stored.id, 2)]
    assert store.check_integrity() == []


def test_an_edit_updates_every_field_it_changes_and_keeps_what_the_page_no_longer_says(
    store: Store,
) -> None:
    url = "https://a.example/1"
    first = dict(
        title="One",
        description="The first summary.",
        tags=("world",),
        image="https://a.example/1.jpg",
        language="en",
        published=T0,
    )
    stored = save(store, url, text="First text.", **first)
    edited = article(
        url,
        "Second text.",
        title="One",
        description="A new summary.",
        tags=("world", "Syria"),
        language="en",
    )
    later = T0 + timedelta(hours=6)
    major = store.add_version(stored.id, edited, fetched_at=later, minor=False, diff="")
    assert (major.description, major.tags, major.text) == (
        "A new summary.",
        ("world", "Syria"),
        "Second text.",
    )
    assert (major.extra["image"], major.published, major.language) == (first["image"], T0, "en")
    assert store.get_article(stored.id) == major


def test_recent_versions_are_major_edits_newest_first_with_their_article(store: Store) -> None:
    first = save(store, "https://a.example/1", title="One", text="One, first.")
    second = save(store, "https://a.example/2", title="Two", text="Two, first.")

    def edit(stored: StoredArticle, text: str, hours: int, minor: bool = False) -> None:
        store.add_version(
            stored.id,
            article(stored.url, text, title=f"{stored.title}!"),
            fetched_at=T0 + timedelta(hours=hours),
            minor=minor,
            diff=f"+{text}",
            word_diff=None if minor else f"{{+{text}+}}",
            warc=WarcLocation("warc/b.warc.gz", hours),
        )

    edit(first, "One, second.", 1)
    edit(second, "Two, second.", 2)
    edit(first, "One, second!", 3, minor=True)  # a minor version is no edit
    edit(first, "One, third.", 4)
    edit(second, "Two, third.", 4)  # at the same time: by article id
    versions = {a.id: list(store.iter_versions(a.id)) for a in (first, second)}
    latest = sorted([(first.id, 4), (second.id, 3)])
    expected = [(store.get_article(i), versions[i][n - 1]) for i, n in latest]
    expected += [(store.get_article(i), versions[i][1]) for i in (second.id, first.id)]
    recent = store.recent_versions()
    assert recent == expected  # the article as it is now, the version as it was stored
    assert [v.number for _, v in recent] == [n for _, n in latest] + [2, 2]
    assert store.recent_versions(limit=3) == expected[:3]
    assert store.recent_versions(limit=0) == []


def test_revisits_are_scheduled_touched_and_due_in_order(store: Store) -> None:
    a = save(store, "https://a.example/1", next_revisit=T0 + timedelta(hours=2))
    b = save(store, "https://a.example/2", next_revisit=T0 + timedelta(hours=1))
    c = save(store, "https://b.example/3", source="two", next_revisit=T0 + timedelta(hours=1))
    save(store, "https://a.example/4")  # never revisited
    now = T0 + timedelta(hours=3)
    assert [x.id for x in store.due_revisits(now)] == sorted([b.id, c.id]) + [a.id]
    assert [x.id for x in store.due_revisits(now, source="two")] == [c.id]
    assert [x.id for x in store.due_revisits(now, limit=1)] == sorted([b.id, c.id])[:1]
    assert store.revisit_state(a.id) == (0, None)
    store.touch_article(a.id, seen_at=now, next_revisit=None, revisits=1, entry_marker="m1")
    assert store.revisit_state(a.id) == (1, "m1")
    assert store.get_article(a.id).last_seen == now  # type: ignore[union-attr]
    assert a.id not in [x.id for x in store.due_revisits(now + timedelta(days=9))]
    assert store.revisit_state("nope") == (0, None)


def test_iter_articles_filters_orders_and_limits(store: Store) -> None:
    ids = []
    for i in range(4):
        published = T0 - timedelta(days=10 - i) if i % 2 else None
        ids.append(
            save(
                store,
                f"https://a.example/{i}",
                source="one" if i < 3 else "two",
                at=T0 + timedelta(hours=i),
                published=published,
            ).id
        )
    assert [a.id for a in store.iter_articles()] == ids
    assert [a.id for a in store.iter_articles(newest_first=True, limit=2)] == ids[::-1][:2]
    assert [a.id for a in store.iter_articles(source="two")] == [ids[3]]
    # since/until read the publication date, else the day first seen
    since = [a.id for a in store.iter_articles(since=T0 - timedelta(days=8))]
    assert since == [ids[0], ids[2], ids[3]]
    assert [a.id for a in store.iter_articles(until=T0 - timedelta(days=8))] == [ids[1]]


def test_deleting_articles_removes_their_aliases_guids_and_versions(store: Store) -> None:
    gone = save(
        store,
        "https://a.example/1",
        entry=FeedEntry("https://a.example/1", guid="g1"),
        aliases=("https://a.example/alias",),
    )
    kept = save(store, "https://a.example/2")
    store.delete_articles([gone.id])
    assert store.get_article(gone.id) is None and list(store.iter_versions(gone.id)) == []
    assert store.find_article("https://a.example/alias", "g1", "one") is None
    assert [a.id for a in store.iter_articles()] == [kept.id]
    save(store, "https://a.example/1")  # the URL can be archived again
    assert store.check_integrity() == []


# -- search ---------------------------------------------------------------------------------
@pytest.fixture
def searchable(store: Store) -> dict[str, StoredArticle]:
    docs = {
        "ceasefire": (
            "Ceasefire talks resume",
            "Diplomats met in Doha to discuss a truce.",
            ("Amira Haddad",),
        ),
        "truce": (
            "Harvest report",
            "Farmers spoke of a truce between rival ceasefire plans and prices.",
            (),
        ),
        "market": ("Markets rally", "Stocks rose sharply on Monday in Frankfurt.", ()),
    }
    out = {}
    for i, (key, (title, text, authors)) in enumerate(docs.items()):
        out[key] = save(
            store,
            f"https://a.example/{key}",
            source="two" if key == "market" else "one",
            at=T0 + timedelta(days=i),
            title=title,
            text=text,
            authors=authors,
        )
    return out


def test_search_ranks_title_matches_first_with_marked_snippets(
    store: Store, searchable: dict[str, StoredArticle]
) -> None:
    hits = store.search("ceasefire")
    assert [h.article.id for h in hits] == [searchable["ceasefire"].id, searchable["truce"].id]
    assert hits[0].rank <= hits[1].rank
    assert "[ceasefire]" in hits[1].snippet.lower()
    assert store.search("haddad")[0].article.id == searchable["ceasefire"].id  # authors
    assert store.search("truce", marks=("<b>", "</b>"))[0].snippet.count("<b>") >= 1


def test_search_reads_phrases_or_not_prefixes_and_filters(
    store: Store, searchable: dict[str, StoredArticle]
) -> None:
    def ids(query: str, **filters: object) -> set[str]:
        return {h.article.id for h in store.search(query, **filters)}  # type: ignore[arg-type]

    c, t, m = (searchable[k].id for k in ("ceasefire", "truce", "market"))
    assert ids('"rival ceasefire plans"') == {t}
    assert ids('"plans rival"') == set()
    assert ids("doha OR frankfurt") == {c, m}
    assert ids("ceasefire NOT farmers") == {c}
    assert ids("(stocks OR diplomats) AND met") == {c}
    assert ids("frank*") == {m}
    assert ids("ceasefire", source="two") == set()
    assert ids("truce", since=T0 + timedelta(days=1)) == {t}
    assert ids("truce", until=T0 + timedelta(hours=1)) == {c}
    for bad in ('"unbalanced', "NOT truce", "truce OR", "(truce"):
        with pytest.raises(SearchSyntaxError, match="cannot search"):
            store.search(bad)


def test_the_fts5_syntax_becomes_a_tsquery_with_no_punctuation_left_as_syntax() -> None:
    assert to_tsquery_text('"rival plans" OR cease* NOT farm') == (
        "('rival' <-> 'plans') | 'cease':* & ! 'farm'"
    )
    assert to_tsquery_text("(a OR b) c") == "( 'a' | 'b' ) & 'c'"
    assert to_tsquery_text("it's a:b|c\\") == (
        "('it''s' | 'it' <-> 's') & ('a:b|c\\\\' | 'a' <-> 'b' <-> 'c')"
    )


# -- stories --------------------------------------------------------------------------------
def place(
    store: Store, deduper: object, stored: StoredArticle, credit: str | None = None
) -> Placement:
    """Place an article; `credit` is a credit line in its own text."""
    doc = DedupeDoc(
        stored.id,
        stored.url,
        stored.text,
        stored.title,
        stored.published,
        credited_url=credit,
        first_seen=stored.first_seen,
    )
    doc = replace(doc, credit_in_text=credit is not None)
    return store.place_article(deduper, doc)  # type: ignore[arg-type]


BODY = " ".join(
    f"Sentence {i} tells of the harbour, the council vote and the night ferry." for i in range(40)
)


def test_a_credited_copy_joins_its_original_in_one_story(store: Store) -> None:
    deduper = store.dedupe_engine()
    copy = save(store, "https://copy.example/a", at=T0, text=BODY, title="Copy")
    placed = place(store, deduper, copy, credit="https://orig.example/news/a")
    assert placed.members == (copy.id,) and store.stories() == []
    original = save(
        store,
        "https://orig.example/news/a",
        at=T0 + timedelta(hours=1),
        text=BODY,
        title="Original",
    )
    placed = place(store, deduper, original)
    assert placed.story == original.id and set(placed.members) == {copy.id, original.id}
    view = store.story(original.id)
    assert view is not None and view.original is not None
    assert view.original.id == original.id and view.original.reason == "credited"
    assert [m.id for m in view.members] == [copy.id, original.id]  # by first seen
    assert view.links and {(k.source, k.target) for k in view.links} >= {(copy.id, original.id)}
    assert [s.id for s in store.stories()] == [original.id]
    assert store.get_article(copy.id).story_id == original.id  # type: ignore[union-attr]
    assert store.get_article(copy.id).original_url == original.url  # type: ignore[union-attr]


def test_merging_two_stories_keeps_every_link(store: Store) -> None:
    deduper = store.dedupe_engine()
    a = save(store, "https://a.example/x", at=T0, text=BODY)
    b = save(store, "https://b.example/y", at=T0 + timedelta(hours=1), text=BODY)
    place(store, deduper, a)
    first = place(store, deduper, b)
    other = " ".join(
        f"Line {i} about a quite different matter of rail timetables." for i in range(40)
    )
    c = save(
        store, "https://c.example/z", at=T0 + timedelta(hours=2), text=other, title="credits b"
    )
    d = save(store, "https://d.example/w", at=T0 + timedelta(hours=3), text=other)
    place(store, deduper, c, credit=b.url)
    placed = place(store, deduper, d)
    assert set(placed.members) == {a.id, b.id, c.id, d.id}
    view = store.story(placed.story)
    assert view is not None
    pairs = {frozenset((k.source, k.target)) for k in view.links}
    assert frozenset((a.id, b.id)) in pairs and frozenset((c.id, d.id)) in pairs
    assert {frozenset((k.source, k.target)) for k in first.links} <= pairs


@pytest.mark.parametrize("archived", [True, False], ids=["credited page archived", "absent"])
def test_a_credit_a_third_article_of_the_site_repeats_is_undone_by_another_process(
    store: Store, archived: bool
) -> None:
    line = "Line {} about a quite different matter of rail timetables."
    other_text = " ".join(line.format(i) for i in range(40))
    wire_url = "https://wire.example/desk/agency"
    first = save(store, "https://portal.example/a", at=T0 + timedelta(hours=1), text=other_text)
    deduper = store.dedupe_engine()
    if archived:
        place(store, deduper, save(store, wire_url, at=T0, text=BODY))
    joined = place(store, deduper, first, credit=wire_url)
    assert len(joined.members) == (2 if archived else 1)
    assert store.get_article(first.id).original_url == wire_url  # type: ignore[union-attr]

    later = reopen(store)  # the claim counts are in the index, not in the first engine
    try:
        deduper = later.dedupe_engine()
        pages = [first]
        for n, words in enumerate(("vineyard harvest", "cooperative's prices"), start=2):
            line = "Word {} on the " + words + " and what the season brought."
            text = " ".join(line.format(i) for i in range(40))
            at = T0 + timedelta(hours=n)
            pages.append(save(later, f"https://portal.example/{n}", at=at, text=text))
            placed = place(later, deduper, pages[-1], credit=wire_url)
        assert placed.members == (pages[-1].id,)  # the third article shows the template
        for page in pages:
            stored = later.get_article(page.id)
            assert stored is not None and stored.story_id == page.id
            assert stored.original_url is None
        if archived:
            view = later.story(article_id(wire_url))
            assert view is not None and [m.url for m in view.members] == [wire_url]
        assert later.stories() == []
    finally:
        later.close()


@pytest.fixture(scope="module")
def network_docs() -> list[DedupeDoc]:
    if not TRUTH.is_file():
        pytest.skip(f"shared corpus not present: {TRUTH}")
    return build_network(load_bodies(TRUTH)[:12], seed=3).docs


def test_the_engine_places_a_network_identically_on_both_backends(
    network_docs: list[DedupeDoc], tmp_path: Path
) -> None:
    def placements(kind: str) -> list[Placement]:
        with open_backend(kind, tmp_path / kind) as store:
            deduper = store.dedupe_engine()
            out = []
            for i, doc in enumerate(network_docs):
                stored = store.save_article(
                    source="net",
                    url=doc.url,
                    entry=None,
                    path=f"net/{doc.id}",
                    fetched_at=T0 + timedelta(minutes=i),
                    article=Article(
                        url=doc.url,
                        text=doc.text,
                        markdown=doc.text,
                        title=doc.title,
                        published=doc.published,
                        original_url=doc.credited_url,
                        canonical_url=doc.canonical_url,
                    ),
                )
                out.append(place(store, deduper, stored, credit=doc.credited_url))
            return out

    sqlite = placements("sqlite")
    assert any(len(p.members) > 2 for p in sqlite)
    assert placements("postgres") == sqlite


# -- PostgreSQL: several processes at once ----------------------------------------------------
def test_workers_opening_a_new_database_at_once_migrate_it_once() -> None:
    with postgres_schema() as schema:
        stores: list[PostgresStore] = []
        errors: list[BaseException] = []

        def open_one() -> None:
            try:
                stores.append(PostgresStore(POSTGRES_URL, schema=schema))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=open_one) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(stores) == 4
        assert {s.schema_version for s in stores} == {len(PG_MIGRATIONS)}
        for s in stores:
            s.close()


def test_two_workers_saving_one_article_at_once_make_one_article() -> None:
    with postgres_schema() as schema:
        first, second = (
            PostgresStore(POSTGRES_URL, schema=schema),
            PostgresStore(POSTGRES_URL, schema=schema),
        )
        inside = threading.Event()
        release = threading.Event()

        def slow_files(_: StoredArticle) -> None:
            inside.set()
            release.wait(5)

        outcome: list[object] = []

        def save_first() -> None:
            outcome.append(
                first.save_article(
                    source="one",
                    url="https://a.example/1",
                    article=article("https://a.example/1"),
                    entry=None,
                    fetched_at=T0,
                    path="p/1",
                    before_commit=slow_files,
                )
            )

        thread = threading.Thread(target=save_first)
        thread.start()
        assert inside.wait(5)
        threading.Timer(0.3, release.set).start()  # the second insert waits on the first
        with pytest.raises(StorageError, match="already archived"):
            second.save_article(
                source="one",
                url="https://a.example/1",
                article=article("https://a.example/1"),
                entry=None,
                fetched_at=T0,
                path="p/2",
            )
        thread.join()
        assert second.count_articles() == 1 and len(outcome) == 1
        first.close()
        second.close()

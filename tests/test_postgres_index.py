"""The real commands on a PostgreSQL index: `fetch` archives into it, `migrate` moves an SQLite
archive's index into it, and `list`, `show`, `search`, `export`, `stories` and `verify` answer
as they do on SQLite."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from scraper.config.settings import load_config
from scraper.store.migrate import migrate_index
from scraper.store.pg_schema import TABLES
from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.stores import POSTGRES_URL, postgres_schema
from tests.testsite import TestSite, publish_corpus

VOLATILE = ("first_seen", "last_seen", "fetched_at")  # when each archive happened to fetch


@pytest.fixture
def schema() -> Iterator[str]:
    with postgres_schema() as name:
        yield name


def with_index(config: Path, schema: str) -> Path:
    """The same config with its index in PostgreSQL (the archive folder stays)."""
    text = config.read_text(encoding="utf-8")
    text = text.replace("[http]", f'[index]\nurl = "{POSTGRES_URL}"\nschema = "{schema}"\n\n[http]')
    target = config.with_name("scraper-pg.toml")
    target.write_text(text, encoding="utf-8")
    return target


def sources(site: TestSite) -> list[dict[str, Any]]:
    require_corpus()
    pages = load_pages(6)
    publish_corpus(site, pages[:3], "/one.xml", "rss", prefix="/one/")
    publish_corpus(site, pages[3:], "/two.xml", "atom", prefix="/two/")
    return [
        {"name": "one", "feed": site.url("/one.xml")},
        {"name": "two", "feed": site.url("/two.xml")},
    ]


def answers(cli, config: Path, *, stable: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What the read commands say about an archive (fetch times masked unless `stable`)."""

    def strip(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if stable or k not in VOLATILE}

    exported = cli("export", "--format", "jsonl", "--versions", "--config", str(config))
    assert exported.code == 0, exported.err
    records = [strip(r) for r in exported.jsonl()]
    target = min(records, key=lambda r: r["id"])  # export runs in fetch order, which races
    word = max(re.findall(r"[A-Za-z]{4,}", target["text"]), key=len)
    listed = cli("list", "--json", "--config", str(config))
    shown = cli("show", target["url"], "--json", "--config", str(config))
    searched = cli("search", word, "--json", "--config", str(config))
    stories = cli("stories", "--json", "--config", str(config))
    assert listed.code == shown.code == searched.code == stories.code == 0, searched.err
    hits = searched.jsonl()
    return {
        "export": sorted(records, key=lambda r: r["id"]),
        "list": sorted((strip(r) for r in listed.jsonl()), key=lambda r: r["id"]),
        "show": strip(json.loads(shown.out)),
        "search": sorted(h["id"] for h in hits),
        "stories": stories.jsonl(),
        "csv": cli("export", "--format", "csv", "--config", str(config)).out.count("\n"),
    }


def test_fetch_archives_into_postgresql_and_the_commands_answer_as_on_sqlite(
    site: TestSite,
    tmp_path: Path,
    cli,
    schema: str,  # type: ignore[no-untyped-def]
) -> None:
    feeds = sources(site)
    (tmp_path / "lite").mkdir()
    (tmp_path / "pg").mkdir()
    lite = write_config(tmp_path / "lite", feeds)
    pg = with_index(write_config(tmp_path / "pg", feeds), schema)
    assert cli("fetch", "--config", str(lite)).code == 0
    fetched = cli("fetch", "--config", str(pg))
    assert fetched.code == 0, fetched.err
    assert not (tmp_path / "pg" / "archive" / "index.sqlite").exists()  # the index is elsewhere
    assert (tmp_path / "pg" / "archive" / "warc").is_dir()  # WARC and files stay in the folder
    with psycopg.connect(POSTGRES_URL, options=f"-c search_path={schema}") as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone() == (6,)
    assert answers(cli, pg) == answers(cli, lite)
    status = cli("status", "--json", "--config", str(pg))
    assert status.code == 0 and json.loads(status.out)["articles"] == 6
    verified = cli("verify", "--config", str(pg))
    assert verified.code == 0, verified.out
    again = cli("fetch", "--config", str(pg))  # a second poll finds nothing new
    assert again.code == 0 and cli("list", "--config", str(pg)).out.count("\n") == 6


def test_migrate_copies_everything_and_the_commands_answer_the_same(
    site: TestSite,
    tmp_path: Path,
    cli,
    schema: str,  # type: ignore[no-untyped-def]
) -> None:
    lite = write_config(tmp_path, sources(site))
    assert cli("fetch", "--config", str(lite)).code == 0
    migrated = cli("migrate", "--to", POSTGRES_URL, "--schema", schema, "--config", str(lite))
    assert migrated.code == 0, migrated.err
    assert "articles" in migrated.err and f'url = "{POSTGRES_URL}"' in migrated.out
    pg = with_index(lite, schema)
    assert answers(cli, pg, stable=True) == answers(cli, lite, stable=True)
    assert cli("verify", "--config", str(pg)).code == 0
    ids = [r["id"] for r in cli("export", "--config", str(lite)).jsonl()]
    for command in (
        ["diff", ids[0], "1", "1", "--no-color"],
        ["compare", ids[0], ids[1], "--no-color"],
        ["prune", "--source", "one", "--before", "2999-01-01", "--dry-run"],
    ):
        on_pg, on_lite = cli(*command, "--config", str(pg)), cli(*command, "--config", str(lite))
        assert (on_pg.code, on_pg.out) == (on_lite.code, on_lite.out) and on_pg.code == 0
    built = cli("build-site", "--full", "--config", str(pg))
    assert built.code == 0 and (tmp_path / "archive" / "index.html").is_file()
    status = json.loads(cli("status", "--json", "--config", str(pg)).out)
    assert (
        status["sources"]
        == json.loads(cli("status", "--json", "--config", str(lite)).out)["sources"]
    )
    # the migrated index goes on: a later fetch on PostgreSQL finds nothing new to archive
    assert cli("fetch", "--config", str(pg)).code == 0
    assert cli("list", "--config", str(pg)).out.count("\n") == 6


def test_an_interrupted_migration_resumes_without_copying_twice(
    site: TestSite,
    tmp_path: Path,
    cli,
    schema: str,  # type: ignore[no-untyped-def]
) -> None:
    lite = write_config(tmp_path, sources(site))
    assert cli("fetch", "--config", str(lite)).code == 0
    config = load_config(lite)

    def killed(table: str, done: int, total: int) -> None:
        if table == "versions" and done > 0:  # after a committed batch of versions
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migrate_index(config, POSTGRES_URL, schema=schema, batch=2, progress=killed)
    with psycopg.connect(POSTGRES_URL, options=f"-c search_path={schema}") as conn:
        assert conn.execute("SELECT COUNT(*) FROM versions").fetchone() == (2,)
        assert conn.execute("SELECT COUNT(*) FROM fetch_log").fetchone() == (0,)
    report = migrate_index(config, POSTGRES_URL, schema=schema, batch=2)
    assert report.ok and [t for t, _, _ in report.counts] == list(TABLES)
    counts = {table: source for table, source, _ in report.counts}
    assert counts["articles"] == 6 and counts["dedupe_keys"] > 0 and counts["fetch_log"] > 6
    first_run = counts["articles"] + counts["article_urls"] + counts["article_guids"] + 2
    assert report.copied == sum(counts.values()) - counts["dedupe_keys"] - first_run
    again = migrate_index(config, POSTGRES_URL, schema=schema)
    assert again.ok and again.copied == 0


def test_migrate_refuses_bad_targets_in_one_line(tmp_path: Path, cli, schema: str) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path, [])
    with pytest.raises(SystemExit) as usage:  # argparse: a usage error
        cli("migrate", "--to", "mysql://x", "--config", str(config))
    assert usage.value.code == 2
    missing = cli("migrate", "--to", POSTGRES_URL, "--schema", schema, "--config", str(config))
    assert missing.code == 1 and "no archive yet" in missing.err
    pg = with_index(config, schema)
    served = cli("serve", "--config", str(pg))
    assert served.code == 2 and "SQLite" in served.err and len(served.err.splitlines()) == 1
    assert cli("list", "--config", str(pg)).code == 1  # nothing fetched into it yet

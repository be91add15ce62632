"""The fetch state an SQL index keeps: validators, host holds, robots.txt, payload digests, the
fetch log and each source's learned boilerplate (a part of `SQLStore`)."""

from __future__ import annotations

from scraper.store.base import FetchRecord, HostHold, RobotsRecord
from scraper.store.sql import fetch_record
from scraper.store.sql_base import SQLBase


class FetchState(SQLBase):
    """What the fetcher remembers between requests and runs."""

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        rows = self._query("SELECT etag, last_modified FROM validators WHERE url = ?", (url,))
        return (rows[0]["etag"], rows[0]["last_modified"]) if rows else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO validators (url, etag, last_modified) VALUES (?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified",
                (url, etag, last_modified),
            )

    def get_host_hold(self, host: str) -> HostHold | None:
        rows = self._query("SELECT until, reason FROM host_holds WHERE host = ?", (host,))
        if not rows:
            return None
        until = self._dt(rows[0]["until"])
        assert until is not None
        return HostHold(host, until, rows[0]["reason"])

    def set_host_hold(self, hold: HostHold) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO host_holds (host, until, reason) VALUES (?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (hold.host, self._ts(hold.until), hold.reason),
            )

    def get_robots(self, host: str) -> RobotsRecord | None:
        rows = self._query("SELECT status, text, expires FROM robots WHERE host = ?", (host,))
        if not rows:
            return None
        expires = self._dt(rows[0]["expires"])
        assert expires is not None
        return RobotsRecord(host, rows[0]["status"], rows[0]["text"], expires)

    def set_robots(self, record: RobotsRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO robots (host, status, text, expires) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (host) DO UPDATE SET status = excluded.status, "
                "text = excluded.text, expires = excluded.expires",
                (record.host, record.status, record.text, self._ts(record.expires)),
            )

    def find_payload(self, digest: str) -> tuple[str, str] | None:
        rows = self._query("SELECT uri, date FROM payloads WHERE digest = ?", (digest,))
        return (rows[0]["uri"], rows[0]["date"]) if rows else None

    def remember_payload(self, digest: str, uri: str, date: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO payloads (digest, uri, date) VALUES (?, ?, ?) "
                "ON CONFLICT (digest) DO NOTHING",
                (digest, uri, date),
            )

    def log_fetch(self, record: FetchRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO fetch_log (url, source, kind, fetched_at, status, error, size, "
                "warc_file, warc_offset, warc_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.url,
                    record.source,
                    record.kind,
                    self._ts(record.fetched_at),
                    record.status,
                    record.error,
                    record.size,
                    record.warc.file if record.warc else None,
                    record.warc.offset if record.warc else None,
                    record.warc.length if record.warc else None,
                ),
            )

    def fetch_log(self, url: str | None = None, limit: int = 100) -> list[FetchRecord]:
        where, args = ("WHERE url = ?", (url,)) if url else ("", ())
        rows = self._query(
            f"SELECT * FROM fetch_log {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        )
        return [fetch_record(r, self._dt) for r in rows]

    def get_boilerplate(self, source: str) -> str | None:
        rows = self._query("SELECT model FROM boilerplate WHERE source = ?", (source,))
        return str(rows[0]["model"]) if rows else None

    def set_boilerplate(self, source: str, model: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO boilerplate (source, model) VALUES (?, ?) "
                "ON CONFLICT (source) DO UPDATE SET model = excluded.model",
                (source, model),
            )

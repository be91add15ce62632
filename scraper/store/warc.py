"""Raw HTTP exchanges as WARC: what each server sent, byte for byte, in rolling .warc.gz files.

Each exchange is a request and a response record (or a revisit record when the payload is
byte-identical to one already archived), written as whole gzip members in one `write` followed by
`fsync`. Every process writes its own file (held with an exclusive lock), so a crash can only tear
the tail of that file; the next writer repairs torn tails of unlocked files before it starts.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import threading
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper import __version__
from scraper.errors import StorageError
from scraper.files import inside
from scraper.models import WarcLocation

SEALED_LIST = ".sealed"  # names of files known to end cleanly
GZIP_LEVEL = 4
PENDING_MEMBERS = 20_000  # gzip members (two a page) kept per file for the replay index
_MIME_END = re.compile(r"[;\s]")
_STATUSES = {status.value for status in HTTPStatus}


@dataclass(frozen=True)
class HttpCapture:
    """An HTTP exchange as it went over the wire (body still content-encoded)."""

    url: str  # as sent: percent-encoded ASCII
    method: str
    target: str  # the request line's target (path and query), percent-encoded
    request_headers: Sequence[tuple[str, str]]
    http_version: str
    status: int
    reason: str
    response_headers: Sequence[tuple[str, str]]
    payload: bytes
    fetched_at: datetime
    ip: str | None = None


# Looks up (uri, warc-date) of an earlier record with this payload digest; None if new.
DigestLookup = Callable[[str], tuple[str, str] | None]
DigestRecorder = Callable[[str, str, str], None]


def _warc_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def valid_length(path: Path, chunk: int = 1 << 20, start: int = 0) -> int:
    """How many leading bytes of a .warc.gz file are whole gzip members (whole records).

    We write every record as its own gzip member, so a member that never reaches its end is
    the torn tail of a write cut short (or, in a file being written, the record in flight).
    `start` (a member boundary) skips members already known to be whole.
    """
    good = start
    offset = start
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with path.open("rb") as stream:
        stream.seek(start)
        pending = b""
        while True:
            data = pending or stream.read(chunk)
            pending = b""
            if not data:
                return good
            try:
                decoder.decompress(data)
            except zlib.error:
                return good
            if decoder.eof:
                used = len(data) - len(decoder.unused_data)
                offset += used
                good = offset
                pending = decoder.unused_data
                decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                offset += len(data)


def _record_bytes(record: ArcWarcRecord) -> bytes:
    """One record serialised, uncompressed (warcio computes the headers and digests)."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False).write_record(record)
    return buffer.getvalue()


IndexEntry = tuple[str, dict[str, str]]  # "urlkey timestamp" and the JSON fields of a CDXJ line
NOT_INDEXED: IndexEntry = ("", {})  # a record the replay index leaves out (request, warcinfo)


def _index_entry(
    record: ArcWarcRecord, filename: str, length: int, method: str
) -> IndexEntry | None:
    """What `cdxj-indexer` (post_append, as `scraper.store.cdxj` runs it) writes for a response
    or revisit record, less its offset; None where a value might not read back from the file as
    it is held here (not ASCII) or the indexer would key the record by its request body."""
    from surt import surt
    from warcio.timeutils import iso_date_to_timestamp

    http = record.http_headers
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if http is None or not url.isascii() or method.upper() in ("POST", "PUT"):
        return None
    if record.rec_type == "revisit":
        mime: str | None = "warc/revisit"
    else:
        mime = http.get_header("Content-Type")
        if mime:  # read back, a value loses its surrounding whitespace (\x0c too) first
            mime = _MIME_END.split(mime.strip(), 1)[0].strip()
    fields = {
        "url": url,
        "mime": mime,
        "status": http.get_statuscode(),
        "digest": record.rec_headers.get_header("WARC-Payload-Digest"),
        "length": str(length),
        "offset": "",
        "filename": filename,
    }
    index = {k: v for k, v in fields.items() if v is not None}
    if not all(v.isascii() for v in index.values()):
        return None
    try:
        key = surt(url)
    except Exception:  # noqa: BLE001 - as cdxj-indexer: an unparseable URL is its own key
        key = url
    date = record.rec_headers.get_header("WARC-Date") or ""
    return f"{key} {iso_date_to_timestamp(date)}", index


def _response_head(capture: HttpCapture) -> tuple[StatusAndHeaders, dict[str, str], str]:
    """The response's HTTP head, the WARC headers of its records, and the HTTP version written.

    WARC holds HTTP/1.x messages; an HTTP/2 exchange is written in that syntax (as other
    crawlers do, so replay tools read it) and its protocol named in WARC-Protocol.
    """
    protocol, h2 = capture.http_version, capture.http_version.upper() == "HTTP/2"
    if h2:
        protocol = "HTTP/1.1"
    reason = capture.reason or (
        HTTPStatus(capture.status).phrase if capture.status in _STATUSES else ""
    )
    http_headers = StatusAndHeaders(
        f"{capture.status} {reason}".strip(),
        [(k, v) for k, v in capture.response_headers if k.lower() not in {"transfer-encoding"}],
        protocol=protocol,
    )
    warc_headers = {"WARC-Date": _warc_date(capture.fetched_at)}
    if capture.ip:
        warc_headers["WARC-IP-Address"] = capture.ip
    if h2:
        warc_headers["WARC-Protocol"] = "h2"
    return http_headers, warc_headers, protocol


def _request_record(
    builder: WARCWriter,
    capture: HttpCapture,
    protocol: str,
    warc_headers: dict[str, str],
    response: ArcWarcRecord,
) -> ArcWarcRecord:
    """The request record of an exchange, tied to its response (or revisit) record."""
    request = builder.create_warc_record(
        capture.url,
        "request",
        http_headers=StatusAndHeaders(
            f"{capture.method} {capture.target} {protocol}",
            list(capture.request_headers),
            is_http_request=True,
        ),
        warc_headers_dict=dict(warc_headers),
    )
    request.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    return request


def _gzip_member(data: bytes) -> bytes:
    """One record as its own gzip member, as WARC readers expect of a .warc.gz file.

    Level 4: of the levels measured on 181 real article pages (bench/warc_levels.py), the one
    past which more CPU buys little: 1.8 ms a page for 20.7% of the HTML's size, where gzip's
    default 6 takes 3.0 ms for 19.8% and warcio's 9 takes 5.0 ms for 19.6%. (A body the server
    sent compressed compresses no further at any level.)
    """
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


class WarcWriterPool:
    """Appends exchanges to this process's rolling WARC file inside `directory`."""

    def __init__(
        self,
        directory: Path,
        archive_root: Path,
        *,
        max_size: int = 1_000_000_000,
        prefix: str = "scraper",
        lookup: DigestLookup | None = None,
        remember: DigestRecorder | None = None,
    ) -> None:
        self.directory = directory
        self.root = archive_root
        self.max_size = max_size
        self.prefix = prefix
        self._lookup = lookup
        self._remember = remember
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._seq = 0
        self._token = os.urandom(3).hex()  # several writers in one process never share a file
        # Per file: (offset, length, replay index entry) of each gzip member written, until an
        # index update takes them (None: an entry not known here).
        self._members: dict[str, deque[tuple[int, int, IndexEntry | None]]] = {}
        directory.mkdir(parents=True, exist_ok=True)
        self.repair_torn_files()

    # -- recovery ---------------------------------------------------------------------------
    def _sealed(self) -> set[str]:
        try:
            return set((self.directory / SEALED_LIST).read_text().split())
        except FileNotFoundError:
            return set()

    def _seal(self, name: str) -> None:
        with (self.directory / SEALED_LIST).open("a") as listing:
            listing.write(name + "\n")

    def repair_torn_files(self) -> list[str]:
        """Cut the torn tail off every unsealed file no live writer holds; returns their names."""
        repaired = []
        sealed = self._sealed()
        for path in sorted(self.directory.glob("*.warc.gz")):
            if path.name in sealed:
                continue
            with path.open("r+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # another process is writing it
                good = valid_length(path)
                if good < path.stat().st_size:
                    handle.truncate(good)
                    os.fsync(handle.fileno())
                    repaired.append(path.name)
                self._seal(path.name)
        return repaired

    # -- writing ----------------------------------------------------------------------------
    def _open(self) -> BinaryIO:
        if self._file is not None and self._path is not None:
            if self._path.stat().st_size < self.max_size:
                return self._file
            self._close_file()  # (the caller holds the lock already)
        self._seq += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._path = (
            self.directory
            / f"{self.prefix}-{stamp}-{os.getpid()}{self._token}-{self._seq:05d}.warc.gz"
        )
        try:
            handle = self._path.open("ab")
        except OSError as error:
            raise StorageError(f"cannot create {self._path}: {error.strerror or error}") from None
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file = handle
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        info = writer.create_warcinfo_record(
            self._path.name,
            {"software": f"scraper/{__version__}", "format": "WARC File Format 1.1"},
        )
        writer.write_record(info)
        self._append(buffer.getvalue(), [(len(buffer.getvalue()), NOT_INDEXED)])
        return handle

    def _append(self, data: bytes, members: Sequence[tuple[int, IndexEntry | None]]) -> int:
        """Append whole records (`members`: each gzip member's length and replay index entry);
        on failure (a full disk) cut back so the file stays valid."""
        assert self._file is not None and self._path is not None
        offset = self._file.seek(0, os.SEEK_END)
        try:
            self._file.write(data)
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as error:
            try:
                self._file.truncate(offset)
                self._file.flush()
            except OSError:
                pass  # the torn tail is cut when the archive is next opened
            raise StorageError(
                f"cannot write {self._path.name}: {error.strerror or error}"
            ) from None
        written = self._members.setdefault(self._path.name, deque(maxlen=PENDING_MEMBERS))
        at = offset
        for length, entry in members:
            written.append((at, length, entry))
            at += length
        return offset

    def index_lines(self, name: str, start: int, end: int) -> list[str] | None:
        """The replay index lines of the records in bytes [start, end) of WARC file `name`, as
        `cdxj-indexer` would read them there, if this writer wrote exactly those bytes (else
        None: the index reads the file). Members before `start` are indexed: forgotten now."""
        with self._lock:
            written = self._members.get(name)
            while written and written[0][0] < start:
                written.popleft()
            if not written or written[0][0] != start:
                return None
            lines, at = [], start
            for offset, length, entry in written:
                if at == end:
                    break
                if offset != at or entry is None:
                    return None
                if entry is not NOT_INDEXED:
                    head, fields = entry
                    lines.append(f"{head} {json.dumps(dict(fields, offset=str(offset)))}\n")
                at += length
            return lines if at == end else None

    def write(self, capture: HttpCapture) -> WarcLocation:
        """Record one exchange; identical payloads become revisit records.

        The response record is built and compressed before the file's lock is taken: threads
        writing at once compress side by side (zlib lets go of the GIL), and only the append
        and the revisit decision are taken one at a time.
        """
        http_headers, warc_headers, protocol = _response_head(capture)
        builder = WARCWriter(io.BytesIO(), gzip=False)  # builds records; we compress them
        response = builder.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.payload),
            length=len(capture.payload),
            http_headers=http_headers,
            warc_headers_dict=dict(warc_headers),
        )
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        dedupe = bool(self._lookup and digest and capture.payload)
        earlier = self._lookup(digest) if dedupe and self._lookup else None
        full = _gzip_member(_record_bytes(response)) if earlier is None else b""
        with self._lock:
            self._open()
            assert self._path is not None
            if earlier is None and dedupe and self._lookup:
                earlier = self._lookup(digest)  # written by another thread meanwhile
            if earlier is not None:
                response = builder.create_revisit_record(
                    capture.url,
                    digest,
                    earlier[0],
                    earlier[1],
                    http_headers=http_headers,
                    warc_headers_dict=dict(warc_headers),
                )
            request = _request_record(builder, capture, protocol, warc_headers, response)
            # The response first: its gzip member's length is what readers seek by.
            first = full if earlier is None else _gzip_member(_record_bytes(response))
            second = _gzip_member(_record_bytes(request))
            entry = _index_entry(response, self._path.name, len(first), capture.method)
            offset = self._append(first + second, [(len(first), entry), (len(second), NOT_INDEXED)])
            if earlier is None and digest and self._remember and capture.payload:
                self._remember(digest, capture.url, warc_headers["WARC-Date"])
            return WarcLocation(
                file=str(self._path.relative_to(self.root)),
                offset=offset,
                length=len(first),
                revisit=earlier is not None,
            )

    def write_resource(
        self,
        uri: str,
        payload: bytes,
        content_type: str,
        when: datetime,
        *,
        record_type: str = "resource",
        refers_to: str | None = None,
    ) -> WarcLocation:
        """Record something made from a capture rather than sent by a server: a page as the
        browser rendered it (`conversion`), its screenshot (`resource`). `refers_to` names the
        URI it was made from."""
        warc_headers = {"WARC-Date": _warc_date(when)}
        if refers_to:
            warc_headers["WARC-Refers-To-Target-URI"] = refers_to
        builder = WARCWriter(io.BytesIO(), gzip=False)
        record = builder.create_warc_record(
            uri,
            record_type,
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type=content_type,
            warc_headers_dict=warc_headers,
        )
        member = _gzip_member(_record_bytes(record))
        with self._lock:
            self._open()
            assert self._path is not None
            # None: the replay index reads this record from the file, as cdxj-indexer sees it.
            offset = self._append(member, [(len(member), None)])
            return WarcLocation(str(self._path.relative_to(self.root)), offset, len(member))

    def close(self) -> None:
        """Close the current file and mark it as ending cleanly."""
        with self._lock:
            self._close_file()

    def _close_file(self) -> None:
        """`close`, for a caller holding the lock (a file rolling over in `write`)."""
        if self._file is not None and self._path is not None:
            self._file.close()
            self._seal(self._path.name)
            self._members.pop(self._path.name, None)  # its tail is read by the index
        self._file = None
        self._path = None


def read_response(root: Path, file: str, offset: int, limit: int) -> tuple[dict[str, str], bytes]:
    """The HTTP headers (names lower-cased) and raw payload of the response record at `offset`
    of one of the archive's WARC files: how another process reads a page it did not fetch."""
    from warcio.archiveiterator import ArchiveIterator

    path = inside(root, file, refusal="refused to read a WARC file outside the archive")
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)), None)
            if record is None or record.rec_type != "response" or record.http_headers is None:
                kind = record.rec_type if record is not None else "nothing"
                raise StorageError(f"{file} at offset {offset}: {kind}, not a response record")
            payload = record.raw_stream.read(limit + 1)
            headers = {k.lower(): v for k, v in record.http_headers.headers}
    except OSError as error:
        raise StorageError(f"cannot read {file}: {error.strerror or error}") from None
    except StorageError:
        raise
    except Exception as error:  # noqa: BLE001 - warcio raises several kinds on bad bytes
        raise StorageError(f"{file} at offset {offset}: not a WARC record ({error})") from None
    if len(payload) > limit:
        raise StorageError(f"{file} at offset {offset}: payload beyond {limit:,} bytes")
    return headers, payload

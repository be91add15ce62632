"""Which WARC records replay a set of articles: every version's response, its request, and the
original response behind each revisit record (a revisit carries no body of its own).

The index names each version's response record by WARC file and offset. We write a request and
its response as consecutive gzip members, response first, so the request is the member that
follows; a revisit names its original by URI and date, which the CDXJ index resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from scraper.errors import StorageError
from scraper.files import inside
from scraper.models import StoredVersion
from scraper.store.base import RECORD_KINDS, Store
from scraper.store.cdxj import CdxjIndex


@dataclass(frozen=True, order=True)
class RecordRef:
    """One whole record (one gzip member) in one of the archive's WARC files."""

    file: str  # relative to the archive root
    offset: int
    length: int


@dataclass(frozen=True)
class RecordHead:
    """What we need of a record's WARC headers."""

    ref: RecordRef
    type: str
    record_id: str
    uri: str
    date: str
    payload_digest: str | None
    concurrent_to: str | None
    refers_to_uri: str | None
    refers_to_date: str | None


@dataclass(frozen=True)
class Page:
    """One entry of pages.jsonl: an archived version of an article, where a player starts."""

    id: str
    url: str
    ts: str  # the response's WARC-Date
    title: str
    text: str


@dataclass
class Selection:
    records: set[RecordRef] = field(default_factory=set)
    pages: int = 0
    articles: int = 0
    revisit_originals: int = 0
    warnings: list[str] = field(default_factory=list)


class WarcReader:
    """Reads record heads at known offsets, keeping each WARC file open once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._handles: dict[str, BinaryIO] = {}

    def _handle(self, file: str) -> BinaryIO:
        if file not in self._handles:
            path = inside(
                self.root, file, refusal="the index names a WARC file outside the archive"
            )
            try:
                self._handles[file] = path.open("rb")
            except OSError as error:
                raise StorageError(f"cannot read {file}: {error.strerror or error}") from None
        return self._handles[file]

    def head(self, file: str, offset: int) -> RecordHead | None:
        """The record starting at `offset`, or None when no whole record starts there."""
        handle = self._handle(file)
        handle.seek(offset)
        iterator = ArchiveIterator(handle)
        try:
            record = next(iter(iterator))
            iterator.read_to_end(record)
        except StopIteration:
            return None
        except Exception as error:  # noqa: BLE001 - warcio raises several kinds on bad bytes
            raise StorageError(f"{file} at offset {offset}: not a WARC record ({error})") from None
        headers = record.rec_headers
        return RecordHead(
            ref=RecordRef(file, offset, iterator.get_record_length()),
            type=record.rec_type,
            record_id=headers.get_header("WARC-Record-ID") or "",
            uri=headers.get_header("WARC-Target-URI") or "",
            date=headers.get_header("WARC-Date") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            concurrent_to=headers.get_header("WARC-Concurrent-To"),
            refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
            refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        )

    def exchange(self, file: str, offset: int) -> tuple[RecordHead, RecordRef | None]:
        """A response (or revisit) record and the request record written right after it."""
        response = self.head(file, offset)
        if response is None:
            raise StorageError(f"{file} has no WARC record at offset {offset}")
        after = response.ref.offset + response.ref.length
        request = self.head(file, after) if after < self.size(file) else None
        if request and request.type == "request" and request.concurrent_to == response.record_id:
            return response, request.ref
        return response, None

    def size(self, file: str) -> int:
        handle = self._handle(file)
        return handle.seek(0, 2)

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


def _original_key(head: RecordHead) -> tuple[str, str, str]:
    """How the CDXJ index names the response a revisit refers to (timestamp "" if unknown)."""
    date = head.refers_to_date
    return (
        head.refers_to_uri or head.uri,
        iso_date_to_timestamp(date) if date else "",
        head.payload_digest or "",
    )


def find_originals(
    index: CdxjIndex, wanted: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], tuple[str, int]]:
    """(uri, 14-digit timestamp, payload digest) -> (WARC file name, offset) of the response."""
    pending = set(wanted)
    found: dict[tuple[str, str, str], tuple[str, int]] = {}
    if not pending:
        return found
    timestamps = {ts for _, ts, _ in pending}
    for line in index.lines():
        if line.timestamp not in timestamps or line.fields.get("mime") == "warc/revisit":
            continue
        key = (str(line.fields.get("url")), line.timestamp, str(line.fields.get("digest")))
        if key in pending:
            found[key] = (line.filename, line.offset)
    return found


def select_records(
    store: Store,
    root: Path,
    *,
    source: str | None = None,
    since: datetime | None = None,
    on_page: Callable[[Page], None],
    on_article: Callable[[], None] | None = None,
) -> Selection:
    """Every record needed to replay the chosen articles (all versions); each version's page
    goes to `on_page` as it is found (pages carry the text: they are not kept)."""
    selection = Selection()
    reader = WarcReader(root)
    revisits: list[RecordHead] = []
    try:
        for article in store.iter_articles(source=source, since=since):
            selection.articles += 1
            for version in store.iter_versions(article.id):
                head = _add_version(reader, article.id, version, selection, on_page)
                if head is not None and head.type == "revisit":
                    revisits.append(head)
            _add_rendered(store, article.url, selection)
            if on_article:
                on_article()
        _add_originals(reader, CdxjIndex(root / "warc"), revisits, selection)
    finally:
        reader.close()
    return selection


def _add_version(
    reader: WarcReader,
    article_id: str,
    version: StoredVersion,
    selection: Selection,
    on_page: Callable[[Page], None],
) -> RecordHead | None:
    if version.warc is None:
        return None  # stored without a WARC record (none is written for a local file)
    response, request = reader.exchange(version.warc.file, version.warc.offset)
    selection.records.add(response.ref)
    if request:
        selection.records.add(request)
    selection.pages += 1
    on_page(
        Page(
            id=f"{article_id}-v{version.number}",
            url=response.uri,
            ts=response.date,
            title=version.title or response.uri,
            text=version.text or "",
        )
    )
    return response


def _add_rendered(store: Store, url: str, selection: Selection) -> None:
    """The page as the browser rendered it and its screenshots, for a rendering source."""
    for row in store.fetch_log(url, limit=1000):
        if row.kind in RECORD_KINDS and row.warc and row.warc.file:
            selection.records.add(RecordRef(row.warc.file, row.warc.offset, row.warc.length or 0))


def _add_originals(
    reader: WarcReader, index: CdxjIndex, revisits: list[RecordHead], selection: Selection
) -> None:
    """A revisit replays from the response it refers to: bring that exchange along."""
    wanted = [_original_key(head) for head in revisits]
    originals = find_originals(index, [key for key in wanted if key[1]])
    for head, key in zip(revisits, wanted, strict=True):
        place = originals.get(key)
        if place is None:
            selection.warnings.append(
                f"{head.uri}: the response its revisit record refers to ({head.refers_to_uri} "
                f"at {head.refers_to_date}) is not in the replay index; that version will not "
                "replay"
            )
            continue
        response, request = reader.exchange(f"warc/{place[0]}", place[1])
        if response.ref not in selection.records:
            selection.revisit_originals += 1
        selection.records.add(response.ref)
        if request:
            selection.records.add(request)

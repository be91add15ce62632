"""`scraper export --format wacz`: the chosen articles' HTTP exchanges as one WACZ file.

A WACZ (Web Archive Collection Zipped) is what ReplayWeb.page opens and pywb imports: the WARC
records, an index of them, a list of pages to start from and a datapackage.json with the hash
of every part. We copy the selected records byte for byte (each is a whole gzip member) into
`archive/data.warc.gz` behind a warcinfo record saying what was exported, write pages.jsonl
ourselves (one page per archived version, with its extracted text for full-text search) and
leave the index, the datapackage and its digest to py-wacz, webrecorder's own packager.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.warcwriter import WARCWriter

from scraper import __version__
from scraper.errors import StorageError
from scraper.files import temp_file
from scraper.outputs.replay.selection import Page, RecordRef, Selection, select_records
from scraper.progress import Counter
from scraper.store.base import Store
from scraper.store.cdxj import CdxjIndex

DATA_WARC = "data.warc.gz"


@dataclass(frozen=True)
class WaczReport:
    path: Path
    articles: int
    pages: int
    records: int
    revisit_originals: int
    size: int
    warnings: tuple[str, ...]

    def summary(self) -> str:
        return (
            f"wrote {self.path}: {self.articles} articles, {self.pages} pages, "
            f"{self.records} WARC records ({self.revisit_originals} revisit originals), "
            f"{self.size:,} bytes"
        )


def pages_header(title: str) -> str:
    """pages.jsonl's first line, as py-wacz writes it when it extracts text."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": title, "hasText": True}
    return json.dumps(header) + "\n"


def page_line(page: Page) -> str:
    return (
        json.dumps(
            {"id": page.id, "url": page.url, "ts": page.ts, "title": page.title, "text": page.text}
        )
        + "\n"
    )


def write_data_warc(root: Path, records: Iterable[RecordRef], out: Path, about: str) -> None:
    """A warcinfo record, then each record copied byte for byte, in archive order."""
    with out.open("wb") as sink:
        writer = WARCWriter(sink, gzip=True)
        writer.write_record(
            writer.create_warcinfo_record(
                DATA_WARC,
                {
                    "software": f"scraper/{__version__}",
                    "format": "WARC File Format 1.1",
                    "description": about,
                },
            )
        )
        handles: dict[str, io.BufferedReader] = {}
        try:
            for ref in sorted(records):
                if ref.file not in handles:
                    handles[ref.file] = (root / ref.file).open("rb")
                source = handles[ref.file]
                source.seek(ref.offset)
                data = source.read(ref.length)
                if len(data) != ref.length:
                    raise StorageError(f"{ref.file}: record at {ref.offset} is cut short")
                sink.write(data)
        finally:
            for handle in handles.values():
                handle.close()


def _run_py_wacz(args: list[str]) -> None:
    """py-wacz's own `wacz create`, its chatter kept off our stdout."""
    from wacz.main import main as wacz_main

    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        code = wacz_main(args)
    if code != 0:
        last = chatter.getvalue().strip().splitlines()[-1:] or ["(no message)"]
        raise StorageError(f"py-wacz could not package the WACZ: {last[0]}")


def export_wacz(
    store: Store,
    root: Path,
    output: Path,
    *,
    source: str | None = None,
    since: datetime | None = None,
    progress: Counter | None = None,
) -> WaczReport:
    """Write the WACZ of the chosen articles to `output` (atomically); returns what it holds."""
    # revisits are resolved through the index; on a read-only archive what it holds must do
    with contextlib.suppress(StorageError):
        CdxjIndex(root / "warc").update()
    title = "scraper archive" + _filters(source, since)
    output = output.absolute()
    with tempfile.TemporaryDirectory(prefix="scraper-wacz-") as work:
        data = Path(work) / DATA_WARC
        pages = Path(work) / "pages.jsonl"
        with pages.open("w", encoding="utf-8") as page_file:
            page_file.write(pages_header(title))

            def write_page(page: Page) -> None:
                page_file.write(page_line(page))

            selection = select_records(
                store,
                root,
                source=source,
                since=since,
                on_page=write_page,
                on_article=progress.step if progress else None,
            )
        if not selection.pages:
            raise StorageError("no archived article matches: nothing written")
        about = (
            f"{selection.articles} news articles archived by scraper"
            f"{_filters(source, since)}: every version's HTTP exchange"
        )
        write_data_warc(root, selection.records, data, about)
        _package(data, pages, output, title, about)
    return _report(output, selection)


def _package(data: Path, pages: Path, output: Path, title: str, about: str) -> None:
    try:
        fd, temp = temp_file(output.parent, ".wacz")
    except OSError as error:
        raise StorageError(f"cannot write {output}: {error.strerror or error}") from None
    os.close(fd)
    try:
        _run_py_wacz(
            [
                "create",
                "-o",
                str(temp),
                "--pages",
                str(pages),
                "--copy-pages",
                "--title",
                title,
                "--desc",
                about,
                str(data),
            ]
        )
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, output)
    except OSError as error:
        raise StorageError(f"cannot write {output}: {error.strerror or error}") from None
    finally:
        temp.unlink(missing_ok=True)


def _filters(source: str | None, since: datetime | None) -> str:
    parts = [f"source {source}"] if source else []
    if since:
        parts.append(f"since {since.astimezone(UTC).date().isoformat()}")
    return f" ({', '.join(parts)})" if parts else ""


def _report(output: Path, selection: Selection) -> WaczReport:
    return WaczReport(
        path=output,
        articles=selection.articles,
        pages=selection.pages,
        records=len(selection.records),
        revisit_originals=selection.revisit_originals,
        size=output.stat().st_size,
        warnings=tuple(selection.warnings),
    )

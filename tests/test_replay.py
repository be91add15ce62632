"""Replay: the CDXJ index kept current, the WACZ export, and pywb serving both, for real.

One archive is built once for the module through the real `scraper fetch` from the local test
site: three articles of source `one`; then source `two` with a fourth article and a byte-for-byte
copy of the second (its WARC record is a revisit of `one`'s), and an edit of the first (v2); then
the edit undone (v3, whose payload is v1's: a revisit too). Every output is checked by its own
consumer: py-wacz's validator reads the WACZ, and pywb, started on 127.0.0.1, serves pages from
our CDXJ index over our WARC files and from the WACZ files.
"""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scraper.cli import main
from scraper.models import WarcLocation
from scraper.store.cdxj import CdxjIndex, parse_line
from scraper.store.sqlite import SQLiteStore
from scraper.store.warc import HttpCapture, WarcWriterPool
from tests.conftest import write_config
from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.test_versions import editable_sentence
from tests.testsite import TestSite, publish_corpus

BIN = Path(sys.executable).parent


def scraper(*args: str) -> int:
    return main(list(args))


def index_lines(archive: Path) -> dict[str, list[str]]:
    """Each .cdxj file's lines, by file name."""
    folder = archive / "warc" / "indexes"
    return {p.name: p.read_text().splitlines() for p in sorted(folder.glob("*.cdxj"))}


def indexed_urls(archive: Path) -> set[str]:
    return {
        parse_line(line).fields["url"] for lines in index_lines(archive).values() for line in lines
    }


@dataclass
class Built:
    site: TestSite
    config: Path
    archive: Path
    pages: list[CorpusPage]
    urls: list[str]  # one: pages 0, 1, 2; two: page 3 and the copy of page 1
    original: bytes  # the first article's bytes as first served (v1, and v3 again)
    edited: bytes  # its bytes while edited (v2)
    stamps: list[str]  # the first article's three versions' capture times (v3 is a revisit)
    after_first: dict[str, list[str]]  # the CDXJ files after the first fetch
    stat_after_first: dict[str, tuple[int, int]]  # their (inode, mtime) then
    state_after_first: dict[str, int]


def _edited_html(page: CorpusPage) -> str:
    sentence = editable_sentence(page)
    return page.html.replace(sentence, sentence + " A correction was appended here.", 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    require_corpus()
    folder = tmp_path_factory.mktemp("replay")
    pages = [p for p in load_pages(40) if _has_sentence(p)][:4]
    with TestSite() as site:
        urls = publish_corpus(site, pages[:3], "/one.xml", "rss", prefix="/one/")
        config = write_config(
            folder,
            [
                {"name": "one", "feed": site.url("/one.xml")},
                {"name": "two", "feed": site.url("/two.xml")},
            ],
        )
        site.add(
            "/two.xml",
            b"<rss version='2.0'><channel><title>t</title></channel></rss>",
            content_type="application/rss+xml",
        )
        original = httpx.get(urls[0]).content
        scraper("fetch", "--config", str(config))
        archive = folder / "archive"
        after_first = index_lines(archive)
        stat_after_first = {name: _stat(archive, name) for name in after_first}
        state_after_first = CdxjIndex(archive / "warc").state()

        time.sleep(1.1)  # versions a second apart: replay picks captures by the second
        publish_corpus(site, [pages[3], pages[1]], "/two.xml", "rss", prefix="/two/")
        site.add(urls[0].removeprefix(site.base_url), _edited_html(pages[0]))
        edited = httpx.get(urls[0]).content
        assert scraper("fetch", "--revisit", "--config", str(config)) == 0
        time.sleep(1.1)
        site.add(urls[0].removeprefix(site.base_url), pages[0].html)
        assert scraper("fetch", "--revisit", "--config", str(config)) == 0
        urls += [site.url(f"/two/{page.id[:12]}.html") for page in (pages[3], pages[1])]
        stamps = version_stamps(archive, urls[0])
        yield Built(
            site,
            config,
            archive,
            pages,
            urls,
            original,
            edited,
            stamps,
            after_first,
            stat_after_first,
            state_after_first,
        )


def _has_sentence(page: CorpusPage) -> bool:
    try:
        editable_sentence(page)
    except AssertionError:
        return False
    return True


def _stat(archive: Path, name: str) -> tuple[int, int]:
    info = (archive / "warc" / "indexes" / name).stat()
    return info.st_ino, info.st_mtime_ns


def version_stamps(archive: Path, url: str) -> list[str]:
    """The 14-digit capture time of each version of the article at `url`."""
    store = SQLiteStore(archive)
    try:
        article = store.get_article(url)
        assert article is not None
        times = [v.fetched_at for v in store.iter_versions(article.id)]
    finally:
        store.close()
    return [t.astimezone(UTC).strftime("%Y%m%d%H%M%S") for t in times]


# -- the CDXJ index ---------------------------------------------------------------------------
def test_fetch_keeps_the_cdxj_index_current_without_reindexing(built: Built) -> None:
    now = index_lines(built.archive)
    assert set(built.urls) <= indexed_urls(built.archive)
    # the first fetch's file was not indexed again: its index is the very same file
    for name, lines in built.after_first.items():
        assert now[name] == lines
        assert _stat(built.archive, name) == built.stat_after_first[name]
    state = CdxjIndex(built.archive / "warc").state()
    for name, done in built.state_after_first.items():
        assert state[name] == done
    warcs = sorted((built.archive / "warc").glob("*.warc.gz"))
    assert len(warcs) == 3 and {w.name for w in warcs} == set(state)
    assert all(state[w.name] == w.stat().st_size for w in warcs)
    new_article = built.urls[3]
    assert new_article not in {
        parse_line(x).fields["url"] for x in sum(built.after_first.values(), [])
    }
    for lines in now.values():
        assert lines == sorted(lines) and len(set(lines)) == len(lines)


def test_an_undone_edit_is_a_version_indexed_as_a_revisit(built: Built) -> None:
    lines = [parse_line(x) for x in sum(index_lines(built.archive).values(), [])]
    kinds: dict[str, str] = {}
    for x in lines:  # the first capture of each second: a change is looked at twice (the second
        if x.fields["url"] == built.urls[0]:  # look, the same bytes, is a revisit record)
            kinds.setdefault(x.timestamp, x.fields["mime"])
    assert len(built.stamps) == 3
    assert [kinds[stamp] for stamp in built.stamps] == ["text/html", "text/html", "warc/revisit"]


def _capture(url: str, payload: bytes, when: datetime) -> HttpCapture:
    return HttpCapture(
        url=url,
        method="GET",
        target="/" + url.rsplit("/", 1)[1],
        request_headers=[("Host", "127.0.0.1")],
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        payload=payload,
        fetched_at=when,
    )


def three_written(
    tmp_path: Path, pages: list[CorpusPage]
) -> tuple[WarcWriterPool, CdxjIndex, Path]:
    """A WARC writer that wrote the first three pages, its file, and the folder's index."""
    pool = WarcWriterPool(tmp_path / "warc", tmp_path)
    for page in pages[:3]:
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
    [warc] = list((tmp_path / "warc").glob("*.warc.gz"))
    return pool, CdxjIndex(tmp_path / "warc"), warc


def test_a_growing_warc_file_is_indexed_only_from_where_the_last_update_stopped(
    tmp_path: Path,
) -> None:
    require_corpus()
    pages = load_pages(6)
    pool, index, warc = three_written(tmp_path, pages)
    first = index.update()
    assert first.lines == 3 and first.bytes_read == warc.stat().st_size
    before = index_lines(tmp_path)
    done = index.state()[warc.name]

    # a record in flight: half of its gzip member is on disk, the index must stop before it
    for page in pages[3:5]:
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
    whole = warc.stat().st_size
    spare = WarcWriterPool(tmp_path / "spare", tmp_path)
    spare.write(
        _capture(f"http://127.0.0.1/{pages[5].id}", pages[5].html.encode(), datetime.now(UTC))
    )
    spare.close()
    [spare_file] = list((tmp_path / "spare").glob("*.warc.gz"))
    member = spare_file.read_bytes()[_first_member_end(spare_file) :]
    with warc.open("ab") as handle:
        handle.write(member[: len(member) // 2])
    second = index.update()
    assert second.bytes_read == whole - done and second.lines == 2
    after = index_lines(tmp_path)
    [name] = after
    assert set(before[name]) <= set(after[name]) and len(after[name]) == 5

    with warc.open("ab") as handle:  # the write completes
        handle.write(member[len(member) // 2 :])
    third = index.update()
    assert third.lines == 1 and third.bytes_read == len(member)
    assert f"http://127.0.0.1/{pages[5].id}" in {
        parse_line(x).fields["url"] for x in index_lines(tmp_path)[name]
    }
    pool.close()


def _first_member_end(path: Path) -> int:
    """The length of the warcinfo record's gzip member that opens every file we write."""
    import zlib

    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = path.read_bytes()
    decoder.decompress(data)
    return len(data) - len(decoder.unused_data)


def test_an_update_killed_before_saving_its_offset_leaves_no_duplicate(tmp_path: Path) -> None:
    require_corpus()
    pages = load_pages(4)
    pool = WarcWriterPool(tmp_path / "warc", tmp_path)
    index = CdxjIndex(tmp_path / "warc")
    for page in pages[:2]:
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
    index.update()
    state_file = tmp_path / "warc" / "indexes" / "indexed.json"
    old_state = state_file.read_bytes()
    for page in pages[2:]:
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
    index.update()
    complete = index_lines(tmp_path)
    # killed after the index file was replaced but before the offset was: the old offset
    state_file.write_bytes(old_state)
    again = index.update()
    assert again.bytes_read > 0 and again.lines == 0
    assert index_lines(tmp_path) == complete
    assert sum(len(v) for v in complete.values()) == 4
    pool.close()


def test_a_halted_update_leaves_the_remaining_files_for_the_next(tmp_path: Path) -> None:
    require_corpus()
    pages = load_pages(2)
    for page in pages:  # two writers: two WARC files
        pool = WarcWriterPool(tmp_path / "warc", tmp_path)
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
        pool.close()
    index = CdxjIndex(tmp_path / "warc")
    asked = 0

    def halt_after_one_file() -> bool:  # asked before each file
        nonlocal asked
        asked += 1
        return asked > 1

    halted = index.update(halt=halt_after_one_file)
    assert len(halted.files) == 1 and len(index.state()) == 1
    rest = index.update()
    assert len(rest.files) == 1 and rest.lines == 1 and len(index.state()) == 2


def test_verify_finds_an_index_pointing_past_its_warc_and_repair_rebuilds_it(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(built.archive.parent, copy)
    config = copy / "scraper.toml"
    assert scraper("verify", "--config", str(config)) == 0
    index = CdxjIndex(copy / "archive" / "warc")
    state = index.state()
    name = max(state)
    state[name] += 10_000  # claims bytes the file does not have
    (copy / "archive" / "warc" / "indexes" / "indexed.json").write_text(
        json.dumps({"format": 1, "files": state})
    )
    capsys.readouterr()
    assert scraper("verify", "--config", str(config)) == 1
    assert "replay index" in capsys.readouterr().out
    assert scraper("verify", "--repair", "--config", str(config)) == 0
    assert scraper("verify", "--config", str(config)) == 0
    assert index_lines(copy / "archive") == index_lines(built.archive)


# -- the WACZ ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wacz_file(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wacz") / "news.wacz"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "export",
            "--format",
            "wacz",
            "-o",
            str(out),
            "--config",
            str(built.config),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr and result.stdout == ""
    assert "5 articles, 7 pages" in result.stderr
    return out


def test_the_wacz_passes_py_wacz_validation(wacz_file: Path) -> None:
    result = subprocess.run(
        [BIN / "wacz", "validate", "-f", str(wacz_file)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded, the passed WACZ is valid" in result.stdout


def test_wacz_pages_list_every_version_with_its_record(built: Built, wacz_file: Path) -> None:
    with zipfile.ZipFile(wacz_file) as wacz:
        names = set(wacz.namelist())
        assert {
            "archive/data.warc.gz",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        } <= names
        header, *pages = [json.loads(x) for x in wacz.read("pages/pages.jsonl").splitlines()]
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
    assert header["format"] == "json-pages-1.0" and header["hasText"] is True
    assert sorted({p["url"] for p in pages}) == sorted(built.urls)
    assert sum(p["url"] == built.urls[0] for p in pages) == 3
    assert all(p["title"] and p["text"] for p in pages)
    captures = {(parse_line(x).fields["url"], parse_line(x).timestamp) for x in index}
    for page in pages:
        stamp = page["ts"][:19].replace("-", "").replace(":", "").replace("T", "")
        assert (page["url"], stamp) in captures


@pytest.fixture(scope="module")
def two_wacz(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Source `two` alone: its copy's revisit record needs `one`'s response to replay."""
    out = tmp_path_factory.mktemp("wacz") / "two.wacz"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "export",
            "--format",
            "wacz",
            "--source",
            "two",
            "-o",
            str(out),
            "--config",
            str(built.config),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "2 articles, 2 pages" in result.stderr and "(1 revisit originals)" in result.stderr
    return out


def test_a_source_s_wacz_brings_the_originals_of_its_revisits(built: Built, two_wacz: Path) -> None:
    with zipfile.ZipFile(two_wacz) as wacz:
        pages = [json.loads(p) for p in wacz.read("pages/pages.jsonl").splitlines()[1:]]
        index = [
            parse_line(x)
            for x in gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
        ]
    assert sorted(p["url"] for p in pages) == sorted(built.urls[3:])
    kinds = {(x.fields["url"], x.fields["mime"]) for x in index}
    assert (built.urls[4], "warc/revisit") in kinds  # the copy
    assert (built.urls[1], "text/html") in kinds  # the response it refers to, from source one
    assert not any(x.fields["url"] in (built.urls[0], built.urls[2]) for x in index)
    validate = subprocess.run(
        [BIN / "wacz", "validate", "-f", str(two_wacz)], capture_output=True, text=True
    )
    assert validate.returncode == 0, validate.stdout


def test_wacz_export_refuses_bad_requests_with_one_line(built: Built, tmp_path: Path, cli) -> None:
    missing = cli("export", "--format", "wacz", "--config", str(built.config))
    assert missing.code == 2 and "-o FILE" in missing.err and missing.err.count("\n") == 1
    nothing = cli(
        "export",
        "--format",
        "wacz",
        "--since",
        "2999-01-01",
        "-o",
        str(tmp_path / "none.wacz"),
        "--config",
        str(built.config),
    )
    assert nothing.code == 1 and "no archived article matches" in nothing.err
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary file left


def test_every_format_can_be_written_atomically_to_a_file(
    built: Built, tmp_path: Path, cli
) -> None:
    for fmt in ("jsonl", "csv", "markdown"):
        shown = cli("export", "--format", fmt, "--config", str(built.config))
        written = cli(
            "export",
            "--format",
            fmt,
            "-o",
            str(tmp_path / f"out.{fmt}"),
            "--config",
            str(built.config),
        )
        assert written.code == 0 and written.out == ""
        assert (tmp_path / f"out.{fmt}").read_text(encoding="utf-8") == shown.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.jsonl", "out.markdown"]
    nowhere = cli(
        "export", "-o", str(tmp_path / "no" / "such" / "dir.jsonl"), "--config", str(built.config)
    )
    assert nowhere.code == 1 and "cannot write" in nowhere.err and "Traceback" not in nowhere.err


# -- pywb -------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def pywb(
    built: Built, wacz_file: Path, two_wacz: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """pywb on 127.0.0.1: `live` reads our CDXJ index and WARC files as they are in the
    archive (no re-index); `wacz` and `two` are WACZ files imported with pywb's wb-manager."""
    root = tmp_path_factory.mktemp("pywb")
    warc = built.archive / "warc"
    (root / "config.yaml").write_text(
        f"collections:\n  live:\n    index_paths: {warc / 'indexes'}/\n    archive_paths: {warc}/\n"
    )
    for coll, wacz in (("wacz", wacz_file), ("two", two_wacz)):
        for part in ("archive", "indexes"):  # what `wb-manager init` makes, minus a process
            (root / "collections" / coll / part).mkdir(parents=True)
        subprocess.run(
            [BIN / "wb-manager", "add", "--unpack-wacz", coll, str(wacz)],
            cwd=root,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log = (root / "pywb.log").open("w")
    server = subprocess.Popen(
        [BIN / "wayback", "-b", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    log_text = (root / "pywb.log").read_text()
                    raise AssertionError(f"pywb did not start: {log_text}") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_pywb_replays_pages_from_the_archive_cdxj_index(built: Built, pywb: str) -> None:
    v1 = httpx.get(f"{pywb}/live/{built.stamps[0]}id_/{built.urls[0]}")
    assert v1.status_code == 200 and v1.content == built.original
    v2 = httpx.get(f"{pywb}/live/{built.stamps[1]}id_/{built.urls[0]}")
    assert v2.status_code == 200 and v2.content == built.edited
    new = httpx.get(f"{pywb}/live/2030id_/{built.urls[3]}")
    assert new.status_code == 200 and new.content == built.pages[3].html.encode()


def test_pywb_replays_every_version_from_the_wacz(built: Built, pywb: str) -> None:
    expected = [built.original, built.edited, built.original]  # v3 is a revisit of v1
    for stamp, body in zip(built.stamps, expected, strict=True):
        reply = httpx.get(f"{pywb}/wacz/{stamp}id_/{built.urls[0]}")
        assert reply.status_code == 200 and reply.content == body
        assert reply.headers["memento-datetime"]  # a capture, not a live fetch
    missing = httpx.get(f"{pywb}/wacz/2030id_/{built.site.url('/never-archived.html')}")
    assert missing.status_code == 404


def test_pywb_replays_a_copy_from_a_wacz_holding_its_revisit_and_the_original(
    built: Built, pywb: str
) -> None:
    copy = httpx.get(f"{pywb}/two/2030id_/{built.urls[4]}")
    assert copy.status_code == 200 and copy.content == built.pages[1].html.encode()
    assert httpx.get(f"{pywb}/two/2030id_/{built.urls[0]}").status_code == 404


def test_threads_writing_at_once_leave_one_full_record_per_payload_and_revisits(
    tmp_path: Path,
) -> None:
    """Records are compressed outside the file's lock; the revisit decision is still one at a
    time, so identical payloads written at once store their bytes once."""
    from concurrent.futures import ThreadPoolExecutor

    from warcio.archiveiterator import ArchiveIterator

    require_corpus()
    pages = load_pages(4)
    store = SQLiteStore(tmp_path)
    pool = WarcWriterPool(
        tmp_path / "warc", tmp_path, lookup=store.find_payload, remember=store.remember_payload
    )
    jobs = [(f"http://127.0.0.1/{p.id}-{n}", p.html.encode()) for n in range(6) for p in pages]
    with ThreadPoolExecutor(8) as threads:
        places = list(threads.map(lambda job: pool.write(_capture(*job, datetime.now(UTC))), jobs))
    pool.close()
    [warc] = list((tmp_path / "warc").glob("*.warc.gz"))
    with warc.open("rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream) if r.rec_type != "warcinfo"]
    assert kinds.count("response") == 4 and kinds.count("revisit") == 20
    assert kinds.count("request") == 24
    assert sum(not p.revisit for p in places) == 4
    with warc.open("rb") as stream:  # each location names the start of its response record
        data = stream.read()
    for place in places:
        member = gzip.decompress(data[place.offset : place.offset + place.length])
        assert member.startswith(b"WARC/1.") and b"WARC-Type: re" in member
    store.close()


@pytest.mark.parametrize("name", ["../outside.warc.gz", "/etc/hostname", "link/outside.warc.gz"])
def test_a_warc_file_named_outside_the_archive_is_never_read(tmp_path: Path, name: str) -> None:
    """A WARC path comes from the index or from a cluster job: one that leads out of the
    archive (`..`, an absolute path, a symlink out) is refused, by every reader alike."""
    from scraper.errors import StorageError
    from scraper.files import inside
    from scraper.outputs.replay.selection import WarcReader
    from scraper.store.warc import read_response

    root = tmp_path / "archive"
    root.mkdir()
    (tmp_path / "outside.warc.gz").write_bytes(b"")
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(StorageError, match="refused to read a WARC file outside the archive"):
        read_response(root, name, 0, 1000)
    with pytest.raises(StorageError, match="the index names a WARC file outside the archive"):
        WarcReader(root).head(name, 0)
    with pytest.raises(StorageError, match="refused to write outside the archive"):
        inside(root, name)
    assert inside(root, "warc/a.warc.gz") == root.resolve() / "warc" / "a.warc.gz"


def _varied_captures(pages: list[CorpusPage]) -> list[HttpCapture]:
    """Exchanges whose index lines differ in every field the index keeps: statuses, types with
    and without parameters or missing, odd URLs, an empty body, and a payload sent twice."""
    when = datetime.now(UTC)
    body = [p.html.encode() for p in pages]
    shapes = [
        (
            "http://127.0.0.1:8080/a?b=1&A=2",
            200,
            "OK",
            [("Content-Type", "text/html; charset=utf-8")],
            body[0],
        ),
        ("http://Example.ORG/Path/Story.html", 200, "OK", [("content-type", "TEXT/HTML")], body[1]),
        (
            "http://127.0.0.1/feed.xml",
            200,
            "OK",
            [("Content-Type", "application/rss+xml")],
            body[2],
        ),
        ("http://127.0.0.1/none", 200, "OK", [], body[3]),
        ("http://127.0.0.1/gone", 404, "Not Found", [("Content-Type", "text/plain")], b"gone"),
        ("http://127.0.0.1/moved", 301, "Moved Permanently", [("Location", "/a")], b""),
        ("http://127.0.0.1/same", 304, "", [("ETag", '"x"')], b""),
        ("http://127.0.0.1/copy", 200, "OK", [("Content-Type", "text/html")], body[0]),  # a revisit
        ("http://127.0.0.1/%E2%9C%93?q=%20", 200, "OK", [("Content-Type", "text/html")], body[4]),
        ("http://127.0.0.1/ff", 200, "OK", [("Content-Type", "\x0ctext/html;x")], b"h2 lets it"),
    ]
    return [
        HttpCapture(
            url=url,
            method="GET",
            target="/" + url.split("/", 3)[3],
            request_headers=[("Host", "127.0.0.1")],
            http_version="HTTP/1.1",
            status=status,
            reason=reason,
            response_headers=headers,
            payload=payload,
            fetched_at=when,
        )
        for url, status, reason, headers, payload in shapes
    ]


def test_the_writer_s_index_lines_are_those_cdxj_indexer_reads_from_the_file(
    tmp_path: Path,
) -> None:
    """The lines the WARC writer keeps of what it wrote are byte for byte the lines webrecorder's
    indexer reads from the file, revisits and odd records included; a rolled-over file's are
    dropped (its tail is read instead), and the index made either way is the same file."""
    from scraper.store import cdxj

    require_corpus()
    store = SQLiteStore(tmp_path)
    pool = WarcWriterPool(
        tmp_path / "warc", tmp_path, lookup=store.find_payload, remember=store.remember_payload
    )
    captures = _varied_captures(load_pages(5))
    for capture in captures:
        pool.write(capture)
    [warc] = list((tmp_path / "warc").glob("*.warc.gz"))
    size = warc.stat().st_size
    told = pool.index_lines(warc.name, 0, size)
    assert told is not None and len(told) == len(captures)
    assert told == cdxj.index_lines(warc, 0, size)
    assert "warc/revisit" in "".join(told)
    assert pool.index_lines(warc.name, 0, size - 1) is None  # not a whole record: read it

    copy = tmp_path / "copy" / "warc"
    copy.mkdir(parents=True)
    shutil.copy(warc, copy / warc.name)
    assert CdxjIndex(tmp_path / "warc").update(known=pool.index_lines).bytes_known == size
    assert CdxjIndex(copy).update().bytes_known == 0
    assert index_lines(tmp_path) == index_lines(tmp_path / "copy")
    pool.close()
    assert pool.index_lines(warc.name, size, size + 1) is None  # closed: nothing kept
    store.close()


def test_an_update_reads_back_only_the_bytes_the_writer_did_not_tell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records the writer told are indexed without reading the file; when the file holds more
    than it told (another writer's bytes, a record in flight), the new part is read instead."""
    from scraper.store import cdxj

    require_corpus()
    pages = load_pages(5)
    pool, index, warc = three_written(tmp_path, pages)
    monkeypatch.setattr(cdxj, "index_lines", None)  # reading now would fail the update
    first = index.update(known=pool.index_lines)
    monkeypatch.undo()
    assert first.lines == 3 and first.bytes_known == first.bytes_read == warc.stat().st_size

    for page in pages[3:5]:
        pool.write(_capture(f"http://127.0.0.1/{page.id}", page.html.encode(), datetime.now(UTC)))
    with warc.open("ab") as handle:  # half a member no writer told of
        handle.write(gzip.compress(b"WARC/1.1\r\n")[:10])
    second = index.update(known=pool.index_lines)
    assert second.lines == 2 and second.bytes_known == 0 and not second.errors
    [name] = index_lines(tmp_path)
    assert len(index_lines(tmp_path)[name]) == 5
    pool.close()


def test_a_warc_file_rolls_over_at_its_size_and_every_record_is_indexed(tmp_path: Path) -> None:
    """Past `max_size` the writer seals its file and starts another, in the same write (it
    hung there: closing took the lock the write held); the index covers every file."""
    import threading

    require_corpus()
    pages = load_pages(4)
    pool = WarcWriterPool(tmp_path / "warc", tmp_path, max_size=5_000)
    captures = [
        _capture(f"http://127.0.0.1/{p.id}", p.html.encode(), datetime.now(UTC)) for p in pages
    ]
    places: list[WarcLocation] = []
    writing = threading.Thread(
        target=lambda: places.extend(pool.write(c) for c in captures), daemon=True
    )
    writing.start()
    writing.join(30)
    assert not writing.is_alive(), "the writer hung rolling its file over"
    assert len({place.file for place in places}) == 4  # each record filled a file
    index = CdxjIndex(tmp_path / "warc")
    report = index.update(known=pool.index_lines)
    assert report.lines == 4 and not report.errors
    assert 0 < report.bytes_known < report.bytes_read  # the sealed files' lines were read
    sealed = (tmp_path / "warc" / ".sealed").read_text().split()
    assert len(sealed) == 3 and all(place.file.endswith(tuple(sealed)) for place in places[:3])
    pool.close()

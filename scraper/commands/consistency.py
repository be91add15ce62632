"""Do the index, the article files and the WARC files agree? The checks behind `scraper verify`.

Problems are what would lose or corrupt data; notes are harmless leftovers of an interrupted run
(a folder written whose index transaction never committed, a temporary file) that `--repair`
removes and the next run would redo anyway.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from scraper.config.settings import Config
from scraper.files import inside
from scraper.models import StoredVersion
from scraper.store import Store, index_exists, index_label, open_store
from scraper.store.archive import ArchiveLock
from scraper.store.base import FetchRecord
from scraper.store.cdxj import CdxjIndex
from scraper.store.tree import ArchiveTree, metadata_id
from scraper.store.warc import SEALED_LIST, valid_length
from scraper.urls import normalize_url


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    articles: int = 0
    versions: int = 0
    warc_files: int = 0
    warc_records: int = 0
    repaired: list[str] = field(default_factory=list)
    # Pages fetched (or listed) but not archived yet: failed ones due again, and pages a run cut
    # short fetched (the next poll fetches them again). Not damage, but not a full record yet.
    unarchived: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(config: Config, *, repair: bool = False) -> VerifyReport:
    report = VerifyReport()
    root = config.archive.path
    if not index_exists(config):
        report.problems.append(f"{root}: no index ({index_label(config)}) here")
        return report
    store = open_store(config)
    try:
        _check_index(store, report)
        known_folders = _check_articles(root, store, report, repair)
        _check_orphans(root, known_folders, report, repair)
        fetches = store.fetch_log(limit=10_000_000)  # read once, for both checks below
        sizes = _check_warc(root, fetches, report)
        _check_replay_index(root, sizes, report, repair)
        _check_unarchived(store, fetches, report)
    finally:
        store.close()
    return report


def _check_index(store: Store, report: VerifyReport) -> None:
    report.problems += store.check_integrity()


def _check_articles(root: Path, store: Store, report: VerifyReport, repair: bool) -> set[Path]:
    tree = ArchiveTree(root)
    folders = set()
    for article in store.iter_articles():
        report.articles += 1
        folder = inside(root, article.path)
        folders.add(folder)
        versions = list(store.iter_versions(article.id))
        report.versions += len(versions)
        owner = metadata_id(folder)
        if owner not in (None, article.id):
            report.problems.append(f"{article.id}: {article.path}/metadata.json names another id")
            continue
        damaged = _damaged_files(folder, versions, owner is None)
        if not damaged:
            continue
        if not repair:
            report.problems.append(
                f"{article.id}: {', '.join(damaged)} in {article.path} "
                "(`verify --repair` writes them again from the index)"
            )
            continue
        for name in damaged:  # the folder is derived from the index: write it again
            (folder / name.split(" ")[0]).unlink(missing_ok=True)
        tree.write_article(article, versions)
        report.repaired.append(f"{article.path} ({', '.join(damaged)}: written from the index)")
    return folders


def _damaged_files(folder: Path, versions: list[StoredVersion], bad_meta: bool) -> list[str]:
    """The article files missing or empty (what a power cut before the page cache reached the
    disk leaves), each as "name missing" / "name empty"."""
    names = ["article.md", *(f"v{v.number}.md" for v in versions)]
    names += [f"v{v.number}.diff" for v in versions if v.diff]
    damaged = []
    for name in names:
        try:
            size = (folder / name).stat().st_size
        except OSError:
            damaged.append(f"{name} missing")
            continue
        if size == 0:
            damaged.append(f"{name} empty")
    if bad_meta:
        state = "missing" if not (folder / "metadata.json").exists() else "unreadable"
        damaged.append(f"metadata.json {state}")
    return damaged


def _check_orphans(root: Path, known: set[Path], report: VerifyReport, repair: bool) -> None:
    for meta in root.glob("*/*/*/*/*/metadata.json"):
        folder = meta.parent
        if folder in known:
            continue
        report.notes.append(
            f"{folder.relative_to(root)}: folder of an article never indexed "
            "(an interrupted run); it will be reused when the article is fetched"
        )
        if repair:
            shutil.rmtree(folder)
            report.repaired.append(str(folder.relative_to(root)))
    for temp in root.rglob(".tmp-*"):
        report.notes.append(f"{temp.relative_to(root)}: temporary file of an interrupted write")
        if repair:
            temp.unlink(missing_ok=True)
            report.repaired.append(str(temp.relative_to(root)))


def _check_warc(root: Path, fetches: list[FetchRecord], report: VerifyReport) -> dict[str, int]:
    """Check every logged WARC record lies in a whole part of its file; returns valid sizes."""
    directory = root / "warc"
    files = sorted(directory.glob("*.warc.gz")) if directory.is_dir() else []
    report.warc_files = len(files)
    live = ArchiveLock(root).holder() is not None
    sealed = (
        set((directory / SEALED_LIST).read_text().split())
        if (directory / SEALED_LIST).exists()
        else set()
    )
    sizes = {}
    for path in files:
        good = valid_length(path)
        sizes[path.name] = good
        if good != path.stat().st_size and (path.name in sealed or not live):
            report.notes.append(
                f"warc/{path.name}: torn tail after {good} bytes (a killed "
                "writer); it is cut off the next time the archive is opened"
            )
    for record in fetches:
        warc = record.warc
        if warc is None or not warc.file:
            continue
        report.warc_records += 1
        name = Path(warc.file).name
        if name not in sizes:
            report.problems.append(f"fetch log names a missing WARC file {warc.file}")
        elif warc.offset + (warc.length or 0) > sizes[name]:
            report.problems.append(
                f"{record.url}: its WARC record lies beyond the valid end of {warc.file}"
            )
    return sizes


def _check_replay_index(
    root: Path, sizes: dict[str, int], report: VerifyReport, repair: bool
) -> None:
    """The CDXJ index must not point past what its WARC files hold; lagging behind is normal."""
    index = CdxjIndex(root / "warc")
    problems = index.check(sizes)
    if problems and repair:
        for name in sizes:
            index.forget(name)
        index.update()
        report.repaired.append("warc/indexes (the replay index, rebuilt)")
        problems = index.check(sizes)
    report.problems.extend(problems)
    behind = index.behind(sizes)
    if behind:
        report.notes.append(
            f"{behind:,} WARC bytes not in the replay index yet (indexed after "
            "the next fetch, or by the daemon after its next poll)"
        )


def _check_unarchived(store: Store, fetches: list[FetchRecord], report: VerifyReport) -> None:
    """Pages a feed listed that are not in the archive: recorded failures, and pages the fetch
    log shows fetched whole that no article holds (a run cut short before storing them)."""
    failed = store.page_failures(limit=10_000_000)
    for failure in failed:
        report.unarchived.append(
            f"{failure.url} ({failure.source}): {failure.kind} failed {failure.attempts} time(s), "
            f"{failure.error}; next try {failure.next_try.isoformat(timespec='seconds')}"
        )
    known = {normalize_url(f.url) for f in failed}
    for record in fetches:
        if record.kind != "page" or record.status is None or not 200 <= record.status < 300:
            continue
        key = normalize_url(record.url)
        if key in known:
            continue
        known.add(key)
        if store.find_article(record.url) is None:
            report.unarchived.append(
                f"{record.url} ({record.source}): fetched but not archived (a run cut short; "
                "the next poll of its source fetches it again)"
            )

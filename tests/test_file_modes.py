"""The archive's files are made with the user's umask, as any program's are (0644 under 022):
a colleague, or a web server running as another user, can read what the user lets them read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.corpus import load_pages, require_corpus
from tests.testsite import publish_corpus


def modes(root: Path) -> dict[str, int]:
    files = (p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in files}


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_every_file_the_archive_writes_honours_the_umask(site, tmp_path, cli, umask) -> None:  # type: ignore[no-untyped-def]
    require_corpus()
    publish_corpus(site, load_pages(4), "/feed.xml", "rss", prefix="/p/")
    config = write_config(tmp_path, [{"name": "news", "feed": site.url("/feed.xml")}])
    exports = tmp_path / "exports"
    exports.mkdir()
    previous = os.umask(umask)
    try:
        assert cli("fetch", "--config", str(config)).code == 0
        for name, form in (("all.jsonl", "jsonl"), ("all.csv", "csv"), ("all.md", "markdown")):
            out = str(exports / name)
            assert cli("export", "--format", form, "-o", out, "--config", str(config)).code == 0
    finally:
        os.umask(previous)
    archive = modes(tmp_path / "archive")
    written = archive | modes(exports)
    kinds = (
        "article.md",
        "metadata.json",
        ".warc.gz",
        ".cdxj",
        "index.sqlite",
        "README.md",
        ".html",
    )
    for kind in kinds:
        assert any(p.endswith(kind) for p in written), kind
    assert written == dict.fromkeys(written, 0o666 & ~umask)

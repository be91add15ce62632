"""False stories end to end: a template's fixed canonical, a sidebar's credit link and a credit
line every article of a site ends with join no articles and name no original, while genuine
republications (credited copies, excerpts and translations, mirrors naming their original only
as canonical) do: real wcxb-dev pages served by the test sites and
archived by `scraper fetch`, in either arrival order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.claims import (
    COPIES_FIRST,
    ORIGINALS_FIRST,
    build,
    config_text,
    corpus_pages,
    figures,
    running_sites,
    serve,
)
from bench.wcxb import CORPUS, available

ORIGINS, TEMPLATED, SIDEBAR, INLINE = 6, 5, 5, 4


@pytest.mark.parametrize("order", [COPIES_FIRST, ORIGINALS_FIRST], ids=["copies", "originals"])
def test_template_claims_join_nothing_and_credited_copies_and_translations_join_their_original(
    tmp_path: Path, cli, order: tuple[tuple[str, ...], ...]
) -> None:
    if not available():
        pytest.skip(f"../shared/corpora not present: {CORPUS}")
    counts = (ORIGINS, TEMPLATED, SIDEBAR, INLINE)
    corpus = corpus_pages("check", sum(counts) + 1, seed=11)
    with running_sites() as sites:
        bases = {name: site.url("").rstrip("/") for name, site in sites.items()}
        day = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        net = build(corpus, bases, *counts, seed=11, day=day)
        serve(net, sites)
        config = tmp_path / "scraper.toml"
        config.write_text(config_text(tmp_path / "archive", sites), encoding="utf-8")
        for group in order:
            sources = [arg for name in group for arg in ("--source", name)]
            done = cli("fetch", "--config", str(config), *sources)
            assert done.code == 0
        records = cli("export", "--config", str(config)).jsonl()
    got = figures(records, net)
    # the originals, their copies, excerpts, mirrors and translations, the pages of the cms,
    # the two portals and the agency: every one archived
    assert got.articles == len(net.story) == 35
    assert got.precision >= 0.995 and got.recall >= 0.97, got.wrong
    assert got.originals_right >= 0.95, got.wrong
    lying = tuple(bases[s] for s in ("cms", "portal", "wire-portal"))
    claimed = [r for r in records if r["url"].startswith(lying) and r["url"] not in net.copies()]
    assert len({r["story_id"] for r in claimed}) == len(claimed) == TEMPLATED + SIDEBAR + INLINE
    assert {r["original_url"] for r in claimed} == {None}

"""Per-source extraction: boilerplate learned across a site's pages, and CSS overrides."""

from __future__ import annotations

import html as html_lib
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import write_config
from tests.corpus import CorpusPage, load_pages, require_corpus
from tests.testsite import FeedItem, TestSite, rss_feed

DISCLAIMER = (
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou "
    "les auteurs. Le Centre de recherche sur la mondialisation se dégage de toute responsabilité "
    "concernant le contenu de cet article et ne sera pas tenu responsable pour des erreurs."
)
COPYRIGHT = "Copyright © Agence Exemple, 2026. Tous droits réservés pour tous les pays."


def templated(page: CorpusPage, index: int) -> str:
    """A real article body inside one site's template, with its recurring blocks."""
    paragraphs = "".join(f"<p>{html_lib.escape(p)}</p>" for p in page.body.split("\n") if p)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Article {index} | Exemple</title></head><body>
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a> <a href="/eco">Économie</a></nav>
<main><article><h1>Article {index}</h1>
<div class="post-body">{paragraphs}</div>
<p class="disclaimer">{DISCLAIMER}</p>
<p class="legal">{COPYRIGHT}</p>
<div class="share">Partager : Facebook · Twitter · Courriel</div>
</article>
<aside><h3>À lire aussi</h3><ul><li><a href="/x">Un autre article</a></li></ul></aside>
</main></body></html>"""


def publish(site: TestSite, pages: list[CorpusPage]) -> None:
    items = []
    for index, page in enumerate(pages):
        url = site.add(f"/art/{index}.html", templated(page, index))
        items.append(FeedItem(url, f"Article {index}", guid=url))
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")


def long_pages(count: int) -> list[CorpusPage]:
    return [p for p in load_pages(60) if len(p.body.split()) > 300][:count]


def test_recurring_blocks_are_learned_and_removed_from_every_page(site, tmp_path, cli) -> None:
    require_corpus()
    pages = long_pages(4)
    publish(site, pages)
    config = write_config(tmp_path, [{"name": "exemple", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    records = cli("export", "--config", str(config)).jsonl()
    assert len(records) == 4
    for record in records:
        assert "non-responsabilité" not in record["text"]
        assert "Tous droits réservés" not in record["text"]
        assert "Partager" not in record["text"]
        page = pages[int(record["url"].rsplit("/", 1)[1].split(".")[0])]
        first_words = " ".join(page.body.split()[:12])
        assert first_words in " ".join(record["text"].split())


def test_a_later_page_of_the_source_is_cleaned_with_what_was_learned(site, tmp_path, cli) -> None:
    require_corpus()
    pages = long_pages(5)
    publish(site, pages[:3])
    config = write_config(tmp_path, [{"name": "exemple", "feed": site.url("/feed.xml")}])
    cli("fetch", "--config", str(config))
    publish(site, pages)  # two more pages, fetched alone in a later poll
    cli("fetch", "--config", str(config))
    records = cli("export", "--config", str(config)).jsonl()
    assert len(records) == 5
    assert not any("non-responsabilité" in r["text"] for r in records)


def test_a_first_poll_stores_pages_as_they_come_and_cleans_its_first_pages_too(
    site, tmp_path, cli
) -> None:
    """Pages come one per politeness gap: the first are in the archive before the last is
    asked for (after the few the model learns together), and those are cleaned as well."""
    require_corpus()
    pages = long_pages(8)
    publish(site, pages)
    config = write_config(
        tmp_path,
        [{"name": "exemple", "feed": site.url("/feed.xml")}],
        http={"per_host_delay": "0.3s"},
    )
    assert cli("fetch", "--config", str(config)).code == 0
    to_wall = time.time() - time.monotonic()
    last_asked = max(r.started for r in site.requests if r.path.startswith("/art/")) + to_wall
    written = sorted(p.stat().st_mtime for p in (tmp_path / "archive").rglob("article.md"))
    assert len(written) == 8
    assert sum(when < last_asked for when in written) >= 6
    records = cli("export", "--config", str(config)).jsonl()
    assert not any("non-responsabilité" in r["text"] or "Tous droits" in r["text"] for r in records)


def test_css_overrides_select_the_body_and_drop_elements(site, tmp_path, cli) -> None:
    require_corpus()
    [page] = long_pages(1)
    publish(site, [page])
    config = write_config(
        tmp_path,
        [
            {
                "name": "exact",
                "feed": site.url("/feed.xml"),
                "select": "article",
                "drop": [".disclaimer", ".legal", ".share", "h1"],
            }
        ],
    )
    assert cli("fetch", "--config", str(config)).code == 0
    [record] = cli("export", "--config", str(config)).jsonl()
    assert "non-responsabilité" not in record["text"] and "droits" not in record["text"]
    assert "Un autre article" not in record["text"]
    assert " ".join(page.body.split()[:12]) in " ".join(record["text"].split())


def test_an_invalid_css_selector_is_a_config_error(tmp_path, cli) -> None:
    config = write_config(tmp_path, [{"name": "x", "feed": "https://x.org/f", "select": "p[["}])
    result = cli("fetch", "--config", str(config))
    assert result.code == 2 and "sources[0].select: invalid CSS selector" in result.err


def test_a_long_fetch_brings_the_site_and_replay_index_up_to_date_as_it_goes(
    site, tmp_path
) -> None:
    """The browse site and the replay index show the first pages before the last is asked for:
    a long fetch is browsable meanwhile, and its end has only the last pages to add."""
    require_corpus()
    publish(site, long_pages(8))
    config = write_config(
        tmp_path,
        [{"name": "exemple", "feed": site.url("/feed.xml")}],
        http={"per_host_delay": "0.5s"},
    )
    archive = tmp_path / "archive"
    process = subprocess.Popen(
        [sys.executable, "-m", "scraper", "fetch", "--config", str(config)],
        cwd=Path(__file__).parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    shown: float | None = None  # when the site first listed 4 articles and the index held them
    while process.poll() is None:
        pages = list((archive / "site" / "articles").rglob("*.html"))
        lines = sum(len(p.read_text().splitlines()) for p in archive.glob("warc/indexes/*.cdxj"))
        if shown is None and len(pages) >= 4 and lines >= 4:
            shown = time.monotonic()
        time.sleep(0.05)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    last_asked = max(r.started for r in site.requests if r.path.startswith("/art/"))
    assert shown is not None and shown < last_asked


ABOUT = (
    "Exemple Hebdo publie chaque semaine des analyses indépendantes sur la politique "
    "internationale, l'économie et la culture, rédigées par notre équipe depuis 1998."
)


def with_about(page: CorpusPage, index: int) -> str:
    """The template with a paragraph of its own that no built-in phrase knows: only learning
    the site's pages tells it from the article."""
    return templated(page, index).replace(
        '<div class="post-body">', f'<div class="post-body"><p>{ABOUT}</p>'
    )


def publish_about(site: TestSite, pages: list[CorpusPage]) -> None:
    items = [
        FeedItem(
            site.add(f"/art/{i}.html", with_about(p, i)),
            f"Article {i}",
            guid=site.url(f"/art/{i}.html"),
        )
        for i, p in enumerate(pages)
    ]
    site.add("/feed.xml", rss_feed(items), content_type="application/rss+xml")


def test_a_page_stored_before_its_template_was_learned_gets_no_version_for_it(
    site, tmp_path, cli
) -> None:
    """A source's first page is stored before its template can be told apart (one page shows
    nothing recurring). Revisited unchanged once the template is learned, it reads cleaner, but
    a reader sees no edit: no version, no notice. A real edit still is one, and the version's
    diff shows the edit, not the template leaving."""
    require_corpus()
    pages = long_pages(5)
    publish_about(site, pages[:1])
    config = write_config(tmp_path, [{"name": "exemple", "feed": site.url("/feed.xml")}])
    assert cli("fetch", "--config", str(config)).code == 0
    [first] = cli("export", "--config", str(config)).jsonl()
    assert "Exemple Hebdo" in first["text"]  # nothing learned yet
    publish_about(site, pages)  # four more: the template is learned
    assert cli("fetch", "--config", str(config)).code == 0
    records = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert not any("Exemple Hebdo" in r["text"] for u, r in records.items() if u != first["url"])
    assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    records = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert records[first["url"]]["versions"] == 1, records[first["url"]]["text"][-400:]

    sentence = pages[0].body.split("\n")[0].split(". ")[0]
    site.add("/art/0.html", with_about(pages[0], 0).replace(sentence, sentence + " (corrected)"))
    assert cli("fetch", "--revisit", "--config", str(config)).code == 0
    records = {r["url"]: r for r in cli("export", "--config", str(config)).jsonl()}
    assert records[first["url"]]["versions"] == 2
    assert "corrected" in cli("diff", first["url"], "--no-color", "--config", str(config)).out
    [kept] = list((tmp_path / "archive").rglob("v2.diff"))  # the version's own diff
    assert "(corrected)" in kept.read_text() and "Exemple Hebdo" not in kept.read_text()

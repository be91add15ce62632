"""Site boilerplate: built-in phrases, and blocks learned from a handful of a source's pages."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest

from scraper.extract.body import extract_body
from scraper.extract.boilerplate import BoilerplateModel, phrase_kind
from scraper.models import Body

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"corpus not found: {CORPUS}")

# One made-up site's template: what its every page repeats around and inside the article.
SITE_LINES = (
    "The Valley Courier is an independent newsroom funded by readers like you.",
    "Our coverage of the county courts is supported by the Larch Foundation.",
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou "
    "les auteurs.",
    "Council approves the riverside housing plan after a long night",
    "High school robotics team heads to the national finals",
    "Share this article",
    "© 2019 The Valley Courier. All rights reserved.",
)
TEMPLATE = """<!DOCTYPE html><html lang="en"><head><title>{title} | The Valley Courier</title>
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>{title}</h1>
{paragraphs}
<p class="tagline">The Valley Courier is an independent newsroom funded by readers like you.</p>
<p class="tagline">Our coverage of the county courts is supported by the Larch Foundation.</p>
<p><em>Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou
les auteurs.</em></p>
<div class="share"><p>Share this article</p><a href="#fb">Facebook</a> <a href="#tw">Twitter</a></div>
<section class="related"><h3>Editor's picks</h3><ul>
<li><a href="/council-housing">Council approves the riverside housing plan after a long night</a></li>
<li><a href="/robotics">High school robotics team heads to the national finals</a></li>
</ul></section>
</article></main>
<footer><p>© 2019 The Valley Courier. All rights reserved.</p></footer>
</body></html>"""


def site_page(truth: str, title: str) -> str:
    paragraphs = "\n".join(
        f"<p>{htmllib.escape(p.strip())}</p>" for p in truth.split("\n") if p.strip()
    )
    return TEMPLATE.format(title=htmllib.escape(title), paragraphs=paragraphs)


def article_bodies(n: int) -> list[str]:
    truths = json.loads((CORPUS / "ground-truth.json").read_text("utf-8"))
    bodies = [v["articleBody"] for _, v in sorted(truths.items()) if len(v["articleBody"]) > 1500]
    return bodies[:n]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


@needs_corpus
@pytest.mark.parametrize("pages", [3, 5])
def test_learned_model_strips_the_site_template_and_keeps_each_article(pages: int) -> None:
    truths = article_bodies(pages)
    bodies = [extract_body(site_page(t, f"Story {i}")) for i, t in enumerate(truths)]
    # the extractor alone leaves the site's own notes in: only the model knows they recur
    assert all("independent newsroom" in b.text for b in bodies)
    model = BoilerplateModel().learn_all(bodies)
    for truth, body in zip(truths, bodies, strict=True):
        cleaned = model.clean(body)
        for line in SITE_LINES:
            assert line not in cleaned.text and line not in cleaned.markdown
        kept = words(cleaned.text)
        assert len(words(truth) & kept) >= 0.97 * len(words(truth))
        assert cleaned.markdown and cleaned.error is None


@pytest.mark.parametrize(
    "line",
    [
        "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que "
        "le ou les auteurs.",
        "Disclaimer: The views expressed in this article are those of the author alone.",
        "Haftungsausschluss: Die in diesem Artikel geäußerten Meinungen sind die des Autors.",
        "Las opiniones expresadas en este artículo son responsabilidad exclusiva del autor.",
        "Share this article",
        "Partager cet article",
        "Diesen Artikel teilen",
        "Compartir en Facebook",
        "Subscribe to our newsletter",
        "Sign up for the Morning Briefing newsletter",
        "Abonnez-vous à notre newsletter",
        "Newsletter abonnieren",
        "Suscríbete a nuestro boletín",
        "Copyright © 2019 Example Media. All rights reserved.",
        "Tous droits réservés",
        "Alle Rechte vorbehalten.",
        "Todos los derechos reservados.",
        "Read more: Ten things to know about the budget",
        "Related reading: Answering my top college essay questions",
        "Lire aussi : la réforme des retraites expliquée",
        "Lesen Sie auch: Was die Reform bedeutet",
        "Lee también: las claves del presupuesto",
        "Follow us on Twitter",
        "Advertisement",
        "Czytaj także: Rząd przyjął projekt budżetu",
        "Zobacz również",
        "Читайте также: Что изменится с 1 января",
        "Похожие новости",
        "ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ: Τι αλλάζει στις συντάξεις",
        "相关新闻",
        "推荐阅读：前三季度经济运行总体平稳",
        "Поделиться",
        "Udostępnij",
        "Wszelkie prawa zastrzeżone",
        "版权所有 © 2024 新闻网",
        "Реклама",
        "责任编辑：王小明",
    ],
)
def test_builtin_phrases_are_boilerplate_without_any_learning(line: str) -> None:
    assert phrase_kind(line) is not None
    assert BoilerplateModel().is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The company will share its plans with investors next week, its chief executive said.",
        "Le gouvernement a présenté jeudi un projet de loi sur le droit d'auteur et le copyright.",
        "Die Regierung will die Rechte der Mieter stärken, sagte die Ministerin am Montag.",
        "Los lectores pueden suscribirse al servicio desde el próximo lunes, informó la empresa.",
        "More than 100 protesters were killed, according to credible reports.",
        "Rząd przyjął projekt ustawy o podatkach, poinformował w czwartek rzecznik rządu.",
        "Премьер-министр заявил, что правительство поддержит этот проект.",
        "Η κυβέρνηση ανακοίνωσε νέα μέτρα για τη στήριξη των συνταξιούχων.",
        "更多报道指出，今年前三季度国内生产总值同比增长百分之五点二，经济运行总体平稳，主要指标好于预期。",
        "分享经济正在改变人们的生活方式，专家表示。",
    ],
)
def test_ordinary_article_sentences_are_not_boilerplate(line: str) -> None:
    assert phrase_kind(line) is None


def test_a_line_seen_on_one_page_only_is_not_learned() -> None:
    model = BoilerplateModel().learn_all(["A unique opening.\n\nSupport the Courier today."])
    assert not model.is_learned("Support the Courier today.")
    model.learn("Another story entirely.\n\nSupport the Courier today.")
    assert model.is_learned("Support the Courier today.")


def test_lines_differing_only_in_digits_and_case_are_the_same_template() -> None:
    model = BoilerplateModel().learn_all(
        ["First.\n\nThe Courier, 2019", "Second.\n\nTHE COURIER, 2020"]
    )
    assert model.is_learned("the courier, 2021")


def test_learning_the_same_page_twice_counts_it_once() -> None:
    model = BoilerplateModel()
    model.learn("Same story.\n\nSame footer.")
    model.learn(Body("Same story.\n\nSame footer.", ""))
    assert not model.is_learned("Same footer.")


def test_an_updated_version_of_an_article_is_not_erased() -> None:
    v1 = "\n\n".join(f"Paragraph {n} of the story, with its facts and quotes." for n in "ABCD")
    v2 = v1.replace("Paragraph B", "Paragraph B, updated,") + "\n\nA new closing paragraph."
    model = BoilerplateModel().learn_all([v1, v2])
    assert model.clean(Body(v2, v2)).text == v2


def test_model_round_trips_through_json() -> None:
    model = BoilerplateModel(min_pages=3).learn_all(["a\n\nfooter", "b\n\nfooter", "c\n\nfooter"])
    again = BoilerplateModel.from_json(model.to_json())
    assert again == model and again.is_learned("Footer")


def test_cleaning_keeps_markdown_in_step_with_text() -> None:
    model = BoilerplateModel().learn_all(["One.\n\nOur footer line", "Two.\n\nOur footer line"])
    body = Body(
        "A heading\n\nBody text here.\n\nOur footer line",
        "## A heading\n\nBody text [here](https://x.example/a).\n\n- [Our footer line](/f)",
    )
    cleaned = model.clean(body)
    assert cleaned.text == "A heading\n\nBody text here."
    assert cleaned.markdown == "## A heading\n\nBody text [here](https://x.example/a)."


def test_a_body_made_only_of_boilerplate_comes_back_empty_with_a_reason() -> None:
    cleaned = BoilerplateModel().clean(Body("Share this article\n\nAdvertisement", "x"))
    assert cleaned.text == "" and cleaned.markdown == "" and cleaned.error


@needs_corpus
def test_cleaning_with_the_workers_line_facts_gives_what_cleaning_without_them_gives() -> None:
    from scraper.extract.boilerplate import line_facts

    bodies = [extract_body(site_page(t, f"Story {i}")) for i, t in enumerate(article_bodies(6))]
    plain, informed = BoilerplateModel(), BoilerplateModel()
    for body in bodies[:4]:
        plain.learn(body)
        informed.learn(body, line_facts(body))
    assert informed.counts == plain.counts and informed.pages == plain.pages
    for body in bodies:
        assert informed.clean(body, line_facts(body)) == plain.clean(body)
        assert plain.clean(body) != body  # there was template to take out


def test_the_model_stays_small_over_many_pages_and_still_learns_a_template_line() -> None:
    def word(i: int) -> str:  # digits are folded when lines are compared: spell numbers out
        return "".join("abcdefghij"[int(d)] for d in str(i))

    model = BoilerplateModel()
    for i in range(3000):
        model.learn(f"Unique line of story {word(i)}.\n\nAnother line, {word(i)}x.")
        assert len(model.counts) <= model.max_lines
    for i in range(2):
        model.learn(f"Story {word(i)} after the trim.\n\nSupport the Courier today.")
    assert model.is_learned("Support the Courier today.")
    assert len(model.to_json()) < 200_000


def test_a_held_model_is_written_back_every_few_pages_and_read_again_once_it_ages(
    tmp_path,
) -> None:
    from scraper.pipeline.boilerplate_models import MAX_AGE, SAVE_EVERY, SourceModels
    from scraper.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path)
    now = [0.0]
    models, other = SourceModels(store, lambda: now[0]), SourceModels(store, lambda: now[0])
    model = models.get("site")
    for page in range(SAVE_EVERY - 1):
        model.learn(f"Article {'x' * page} says something.\nShare this article\nFooter line")
        models.taught("site", 1)
    assert store.get_boilerplate("site") is None  # not yet: one write per few pages
    model.learn("The last page of the lot.\nShare this article\nFooter line")
    models.taught("site", 1)
    assert len(BoilerplateModel.from_json(store.get_boilerplate("site") or "").pages) == SAVE_EVERY

    learned_elsewhere = other.get("site")  # another process sharing the index
    learned_elsewhere.learn("A page the other process saw.\nFooter line")
    other.taught("site", 1)
    other.save()
    assert len(models.get("site").pages) == SAVE_EVERY  # still the held one
    now[0] += MAX_AGE + 1
    assert len(models.get("site").pages) == SAVE_EVERY + 1  # read again: the other's page too
    store.close()

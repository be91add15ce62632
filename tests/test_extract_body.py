"""The body extractor on real pages of the article-extraction benchmark (read from ../shared)."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from bench import wcxb
from scraper.extract.body import extract_body
from scraper.models import Body

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"corpus not found: {CORPUS}")
needs_wcxb = pytest.mark.skipif(not wcxb.available(), reason=f"corpus not found: {wcxb.CORPUS}")

WORD = re.compile(r"\w+")
DISCLAIMER = (
    "Avis de non-responsabilité : Les opinions exprimées dans cet article n'engagent que le ou "
    "les auteurs et ne reflètent pas nécessairement celles de la rédaction."
)


@cache
def truths() -> dict[str, dict[str, str]]:
    return json.loads((CORPUS / "ground-truth.json").read_text("utf-8"))


def page(page_id: str) -> tuple[str, str, str]:
    """(html, url, true body) of one corpus page."""
    html = gzip.decompress((CORPUS / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
    item = truths()[page_id]
    return html, item["url"], item["articleBody"]


def wcxb_page(page_id: str) -> wcxb.Page:
    """One page of wcxb-dev's tune half (rules are shown on it, judged on the check half)."""
    found = next(p for p in wcxb.pages(kind=None, half="tune") if p.id == page_id)
    return found


def _id(prefix: str) -> str:
    """A corpus page id from its first characters."""
    return next(i for i in truths() if i.startswith(prefix))


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Word 4-grams as a multiset: the benchmark's own metric."""
    words = WORD.findall(text)
    return Counter(tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)))


def precision_recall(truth: str, predicted: str) -> tuple[float, float]:
    t, p = shingles(truth), shingles(predicted)
    tp = sum((t & p).values())
    return tp / max(1, sum(p.values())), tp / max(1, sum(t.values()))


def article_paragraph(html: str, truth: str) -> lxml.html.HtmlElement:
    """The page's <p> element holding the article's first sentence, to insert blocks beside it."""
    root = lxml.html.fromstring(html)
    start = " ".join(truth.split()[:8])
    for p in root.iter("p"):
        if start in " ".join(p.text_content().split()):
            return p
    raise AssertionError("first paragraph of the article not found")


@needs_corpus
def test_sample_of_pages_reaches_high_shingle_f1() -> None:
    ids = sorted(truths())[::6]  # 31 pages of many sites and languages
    scores = [precision_recall(page(i)[2], extract_body(*page(i)[:2]).text) for i in ids]
    precision = sum(p for p, _ in scores) / len(scores)
    recall = sum(r for _, r in scores) / len(scores)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


@needs_corpus
def test_headline_is_not_repeated_in_the_body() -> None:
    html, url, _ = page(_id("08f79376"))
    body = extract_body(html, url)
    assert not body.text.startswith("Browns player on Mason Rudolph's role")
    assert body.text.startswith("The Steelers spent Monday")


@needs_corpus
def test_markdown_keeps_headings_lists_links_and_quotes() -> None:
    html, url, _ = page(_id("ad9e9e59"))
    md = extract_body(html, url).markdown
    assert "### Summary" in md.split("\n")
    assert re.search(r"^- Why Evidence Action Beta is promising", md, re.MULTILINE)
    assert re.search(r"^> A key part of GiveWell", md, re.MULTILINE)
    assert "[Evidence Action Beta](https://www.evidenceaction.org/evidence-action-beta/)" in md


@needs_corpus
def test_plain_text_has_no_markup_and_blank_lines_between_paragraphs() -> None:
    html, url, _ = page(_id("ad9e9e59"))
    text = extract_body(html, url).text
    assert "Summary" in text.split("\n\n")
    assert "](" not in text and "### " not in text
    assert "\n\n\n" not in text


@needs_corpus
def test_disclaimer_inserted_in_the_article_is_removed() -> None:
    html, url, truth = page(_id("0dd13570"))
    first = article_paragraph(html, truth)
    disclaimer = lxml.html.fragment_fromstring(f"<p><em>{DISCLAIMER}</em></p>")
    first.addnext(disclaimer)
    body = extract_body(lxml.html.tostring(first.getroottree(), encoding="unicode"), url)
    assert "non-responsabilité" not in body.text and "non-responsabilité" not in body.markdown
    assert body.text == extract_body(html, url).text


@needs_corpus
def test_related_links_and_share_bar_inside_the_article_are_removed() -> None:
    html, url, truth = page(_id("0dd13570"))
    first = article_paragraph(html, truth)
    first.addnext(
        lxml.html.fragment_fromstring(
            "<div><h3>Related stories</h3><ul>"
            '<li><a href="/a">Senate confirms new chief of the election commission</a></li>'
            '<li><a href="/b">Governors meet over revenue allocation formula</a></li>'
            '<li><a href="/c">Budget talks stall as lawmakers trade accusations</a></li>'
            '</ul><p>Share this article: <a href="#">Facebook</a> <a href="#">Twitter</a></p>'
            "</div>"
        )
    )
    body = extract_body(lxml.html.tostring(first.getroottree(), encoding="unicode"), url)
    for junk in ("Related stories", "Governors meet", "Share this article"):
        assert junk not in body.text
    assert body.text == extract_body(html, url).text


@needs_corpus
def test_missed_article_is_recovered_from_a_second_opinion() -> None:
    # trafilatura's fast pass keeps only the first part of this long feature
    html, url, truth = page(_id("d48aeb9c"))
    assert precision_recall(truth, extract_body(html, url).text)[1] >= 0.9


@needs_wcxb
def test_link_lists_between_paragraphs_of_the_text_are_kept() -> None:
    # a progress report listing the merged changes, each a link, with prose after each list
    report = wcxb_page("0389")
    text = extract_body(report.html(), report.url).text
    assert "libgccjit: Add the function attributes for setting the ABI" in text
    assert "Remove passing tests from failing-ui-tests.txt" in text


@needs_wcxb
def test_list_that_is_most_of_the_page_is_kept() -> None:
    # an events calendar: each item a linked name over a summary, the way teaser boxes look
    calendar = wcxb_page("4362")
    text = extract_body(calendar.html(), calendar.url).text
    assert "FABCON is the largest conference dedicated to Microsoft" in text
    assert len(text) > 0.9 * len(calendar.gold["main_content"])


@needs_wcxb
def test_article_cut_short_by_the_fast_pass_is_completed() -> None:
    # a buying guide whose product reviews sit in widgets beside the introduction
    guide = wcxb_page("0010")
    text = extract_body(guide.html(), guide.url).text
    assert "The Bosch 800 Series dishwasher delivers" in text


@needs_wcxb
def test_excerpts_of_other_posts_below_the_article_are_not_taken_for_its_rest() -> None:
    post = wcxb_page("0296")
    text = extract_body(post.html(), post.url).text
    assert "Most waivers only protect the gym" in text
    assert "Navigating the Social Security Disability" not in text


def test_a_first_section_heading_stays_and_the_headline_and_standfirst_go() -> None:
    prose = "Pruning keeps the plant healthy and brings more flowers, gardeners say, every spring"
    html = f"""<html><head><title>Site</title></head><body><article>
    <h1>How to prune clematis</h1>
    <h2>A short guide to the three pruning groups and when each of them should be cut back</h2>
    <h2>Introduction</h2><p>{prose} and summer alike in every garden.</p>
    <h2>Group one</h2><p>{prose}, though this group flowers on last year's wood.</p>
    </article></body></html>"""
    text = extract_body(html, "https://example.com/clematis").text
    assert text.startswith("Introduction\n\nPruning keeps the plant healthy")


def test_dates_between_paragraphs_are_text_and_a_stamp_above_them_is_not() -> None:
    prose = "The conference brings together engineers, founders and investors for three full days"
    html = f"""<html><head><title>Conferences</title></head><body><article>
    <h1>Conferences</h1><p>Updated: March 3, 2026</p>
    <p>{prose} of talks, workshops and product launches in the city.</p>
    <h2>Consumer Electronics Show</h2><p>Las Vegas, U.S.A.: January 6-9 2026</p>
    <p>{prose}, and the show floor fills several convention halls every year.</p>
    <h2>Mobile World Congress</h2><p>Barcelona, Spain: March 2-5, 2026</p>
    <p>{prose}, with the mobile industry's largest exhibition beside the sessions.</p>
    </article></body></html>"""
    text = extract_body(html, "https://example.com/conferences").text
    assert "Las Vegas, U.S.A.: January 6-9 2026" in text
    assert "Updated: March 3, 2026" not in text


NEWS_IN_OTHER_LANGUAGES = {
    "zh": (
        [
            "据新华社报道，国家统计局今天发布的数据显示，今年前三季度国内生产总值同比增长百分之五点二，"
            "经济运行总体平稳，主要指标好于预期。",
            "分析人士认为，消费对经济增长的贡献率继续提高，服务业保持较快增长，高技术制造业投资增速明显"
            "加快，就业形势总体稳定。",
            "国家统计局新闻发言人表示，下一阶段将继续加大宏观政策调节力度，着力扩大国内需求，推动经济持续"
            "回升向好。",
            "专家指出，当前外部环境依然复杂严峻，国内需求仍显不足，部分企业经营困难，经济持续恢复的基础还"
            "需要进一步巩固和加强，各地区各部门要抓好政策落实。",
            "从行业看，装备制造业和高技术制造业增加值增长较快，新能源汽车、太阳能电池等绿色产品产量保持"
            "快速增长，数字经济持续壮大。",
        ],
        "相关阅读",
        ["央行宣布下调存款准备金率零点五个百分点", "前三季度全国居民人均可支配收入实际增长"],
        "责任编辑：王小明",
    ),
    "ru": (
        [
            "Правительство утвердило проект бюджета на следующий год, сообщила пресс-служба кабинета "
            "министров в четверг вечером после заседания.",
            "По словам министра финансов, расходы на социальные программы вырастут на семь процентов, "
            "а дефицит бюджета сократится до полутора процентов.",
            "Документ будет внесен в Государственную думу до конца месяца, после чего депутаты "
            "рассмотрят его в первом чтении.",
        ],
        "Читайте также",
        [
            "Центробанк сохранил ключевую ставку",
            "Инфляция в октябре замедлилась до шести процентов",
        ],
        "Источник: ТАСС",
    ),
    "pl": (
        [
            "Rada Ministrów przyjęła we wtorek projekt ustawy budżetowej na przyszły rok, poinformował "
            "rzecznik rządu po zakończeniu posiedzenia.",
            "Według ministra finansów wydatki na programy społeczne wzrosną o siedem procent, a deficyt "
            "budżetowy spadnie poniżej trzech procent produktu krajowego brutto.",
            "Projekt trafi do Sejmu jeszcze w tym miesiącu, a posłowie zajmą się nim w pierwszym "
            "czytaniu na najbliższym posiedzeniu.",
        ],
        "Czytaj także",
        [
            "NBP utrzymał stopy procentowe bez zmian",
            "Inflacja w październiku spadła do pięciu procent",
        ],
        "Źródło: PAP",
    ),
}


@pytest.mark.parametrize("language", sorted(NEWS_IN_OTHER_LANGUAGES))
def test_related_links_and_source_lines_are_dropped_in_polish_russian_and_chinese(
    language: str,
) -> None:
    paragraphs, lead, related, source = NEWS_IN_OTHER_LANGUAGES[language]
    links = "".join(f'<p><a href="/r{i}">{title}</a></p>' for i, title in enumerate(related))
    html = f"""<html><head><title>{related[0]}</title></head><body><div class="main">
    <h1>{paragraphs[0][:20]}</h1><div class="content">{"".join(f"<p>{p}</p>" for p in paragraphs)}
    <p><strong>{lead}</strong></p>{links}<p>{source}</p></div></div></body></html>"""
    text = extract_body(html, "https://news.example.org/a/1.html").text
    assert text == "\n\n".join(paragraphs)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "plain words and no markup at all",
        "\x00\x01\x02\x03 binary \x04\x05" * 50,
        "<html></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<<<>>><</",
        "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>",
    ],
)
def test_empty_garbage_or_binary_input_gives_an_empty_body_with_a_reason(html: str) -> None:
    body = extract_body(html)
    assert body == Body("", "", body.error)
    assert body.error


def test_non_string_input_gives_a_reason_instead_of_raising() -> None:
    body = extract_body(b"<html><p>bytes</p></html>")  # type: ignore[arg-type]
    assert body.text == "" and body.error and "str" in body.error


@needs_corpus
def test_truncated_real_page_never_raises() -> None:
    html, url, _ = page(_id("0dd13570"))
    for cut in (100, len(html) // 3, len(html) // 2):
        body = extract_body(html[:cut], url)
        assert isinstance(body, Body)
        assert body.text or body.error


def test_markdown_numbers_ordered_lists_nests_sublists_and_renders_tables() -> None:
    html = """<html><head><title>Bread</title></head><body><article><h1>Bread</h1>
    <p>Baking bread at home takes little more than flour, water, salt, yeast and some time.</p>
    <h2>Steps</h2><ol><li>Mix the flour and the water.</li><li>Bake for an hour.
    <ul><li>check often</li><li>turn once</li></ul></li><li>Serve it warm.</li></ol>
    <table><tr><th>Loaf</th><th>Minutes</th></tr><tr><td>White</td><td>40</td></tr></table>
    <p>Leftover bread keeps for days in a <a href="/tins">closed tin</a>, the bakers say.</p>
    </article></body></html>"""
    body = extract_body(html, "https://example.com/food/bread")
    assert "## Steps\n\n1. Mix the flour and the water.\n2. Bake for an hour.\n" in body.markdown
    assert "   - check often\n   - turn once\n3. Serve it warm." in body.markdown
    assert "| Loaf | Minutes |\n| --- | --- |\n| White | 40 |" in body.markdown
    assert "[closed tin](https://example.com/tins)" in body.markdown
    assert body.text.startswith("Baking bread at home") and "Bread\n" not in body.text

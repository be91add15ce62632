"""Lists of other articles' headlines beside the text are not body, in any language."""

from __future__ import annotations

import pytest

from scraper.extract.body import extract_body

# (the article's paragraphs, headlines of other articles the page links to)
NEWS = {
    "zh": (
        [
            "国务院总理主持召开国务院常务会议，部署进一步扩大内需的政策措施，会议指出当前经济运行总体平稳。",
            "会议强调，要加大对消费的支持力度，推动大宗消费稳定增长，同时促进服务消费提质扩容，更好满足人民群众需求。",
            "会议还研究了其他事项，要求各地区各部门狠抓落实，确保各项政策措施尽快落地见效，为经济发展提供支撑。",
        ],
        [
            "央行宣布下调存款准备金率",
            "十月份居民消费价格同比上涨",
            "外交部发言人就有关问题答记者问",
        ],
    ),
    "ru": (
        [
            "Правительство внесло в Государственную думу проект федерального бюджета на следующие "
            "три года, сообщила пресс-служба кабинета министров во вторник вечером.",
            "Расходы на социальную политику вырастут на семь процентов, а дефицит бюджета сократится "
            "до одного процента валового внутреннего продукта, говорится в сообщении.",
            "Депутаты рассмотрят документ в первом чтении уже в конце месяца, после обсуждения "
            "в профильных комитетах и консультаций с регионами.",
        ],
        [
            "Центробанк сохранил ключевую ставку",
            "Инфляция в октябре замедлилась",
            "Рубль укрепился",
        ],
    ),
    "pl": (
        [
            "Rada Ministrów przyjęła we wtorek projekt ustawy budżetowej na przyszły rok, "
            "poinformował rzecznik rządu po zakończeniu posiedzenia.",
            "Według ministra finansów wydatki na programy społeczne wzrosną o siedem procent, "
            "a deficyt budżetowy spadnie poniżej trzech procent produktu krajowego brutto.",
            "Projekt trafi do Sejmu jeszcze w tym miesiącu, a posłowie zajmą się nim w pierwszym "
            "czytaniu na najbliższym posiedzeniu.",
        ],
        [
            "NBP utrzymał stopy procentowe",
            "Inflacja w październiku spadła",
            "Złoty zyskuje do euro",
        ],
    ),
}


def _page(paragraphs: list[str], links: str) -> str:
    return f"""<html><head><title>{paragraphs[0][:20]}</title></head><body><div class="main">
    <h1>{paragraphs[0][:24]}</h1><div class="content">{"".join(f"<p>{p}</p>" for p in paragraphs)}
    </div><div class="box">{links}</div></div></body></html>"""


@pytest.mark.parametrize("language", sorted(NEWS))
def test_linked_headlines_with_their_dates_after_the_text_are_dropped(language: str) -> None:
    # no "related" lead before them: each is a link beside its time stamp or comment count
    paragraphs, headlines = NEWS[language]
    links = "".join(
        f'<p><a href="/n/{i}.html">{title}</a> <span>2025-10-1{i} 08:3{i}</span> ({i + 3})</p>'
        for i, title in enumerate(headlines)
    )
    text = extract_body(_page(paragraphs, links), "https://news.example.org/a/1.html").text
    assert text == "\n\n".join(paragraphs)


@pytest.mark.parametrize("language", sorted(NEWS))
def test_a_list_of_linked_headlines_with_their_dates_is_dropped(language: str) -> None:
    paragraphs, headlines = NEWS[language]
    items = "".join(
        f'<li><a href="/n/{i}.html">{title}</a><em>12.10.2025, 1{i}:45</em></li>'
        for i, title in enumerate(headlines)
    )
    html = _page(paragraphs, f"<ul>{items}</ul>")
    text = extract_body(html, "https://news.example.org/a/1.html").text
    assert text == "\n\n".join(paragraphs)

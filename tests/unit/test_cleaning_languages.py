"""Cleaning keeps a page's body whatever its language: pages written here in Russian,
Ukrainian, German and Chinese, and real non-English pages of the development set
(tests/data/non-english: a scraper's dumps with their ground truth)."""

import json
from pathlib import Path

import pytest

from bench.cleaning_eval import match
from pipeline.stages.cleaning import clean_text

REAL = Path(__file__).resolve().parents[1] / "data" / "non-english"

MENU = {
    "ru": "Главная|Новости|Политика|Экономика|Общество|Происшествия|Спорт|Культура|Наука|"
    "Технологии|Мнения|Фото|Видео|Архив|Контакты|Реклама|О нас|Подписка|Регионы|Мир",
    "uk": "Головна|Новини|Політика|Економіка|Суспільство|Події|Спорт|Культура|Наука|"
    "Технології|Думки|Фото|Відео|Архів|Контакти|Реклама|Про нас|Передплата|Регіони|Світ",
    "de": "Startseite|Nachrichten|Politik|Wirtschaft|Gesellschaft|Panorama|Sport|Kultur|"
    "Wissen|Technik|Meinung|Fotos|Videos|Archiv|Kontakt|Werbung|Impressum|Abo|Regional|Welt",
    "zh": "首页|新闻|政治|经济|社会|法治|体育|文化|科技|军事|评论|图片|视频|档案|联系我们|"
    "广告服务|关于我们|订阅|地方|国际",
}
BODY = {
    "ru": [
        "Во вторник городской совет Харькова утвердил план восстановления разрушенных школ, "
        "который обсуждался почти два месяца.",
        "По словам мэра, первые работы начнутся уже весной, а к сентябрю дети смогут вернуться "
        "хотя бы в часть классов.",
        "Депутаты спорили о том, где взять деньги: часть средств обещали международные "
        "партнёры, остальное город заплатит сам.",
        "Жители района, где снаряд попал в спортзал, говорят, что ждут не обещаний, а людей "
        "с инструментами на площадке.",
    ],
    "uk": [
        "У вівторок міська рада Харкова ухвалила план відновлення зруйнованих шкіл, який "
        "обговорювали майже два місяці.",
        "За словами мера, перші роботи почнуться вже навесні, а до вересня діти зможуть "
        "повернутися хоча б до частини класів.",
        "Депутати сперечалися, де взяти гроші: частину коштів пообіцяли міжнародні партнери, "
        "решту місто сплатить саме.",
        "Мешканці району, де снаряд влучив у спортзал, кажуть, що чекають не обіцянок, а "
        "людей з інструментами на майданчику.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstag nach fast zwei Monaten Debatte den Plan für den "
        "Wiederaufbau der zerstörten Schulen beschlossen.",
        "Nach Angaben des Bürgermeisters sollen die ersten Arbeiten im Frühjahr beginnen, "
        "damit die Kinder im September zumindest in einen Teil der Klassen zurückkehren.",
        "Die Abgeordneten stritten darüber, woher das Geld kommen soll: Einen Teil haben "
        "internationale Partner zugesagt, den Rest zahlt die Stadt selbst.",
    ],
    "zh": [
        "市议会星期二在讨论了将近两个月之后，通过了重建被毁学校的计划，预计明年春天开始施工。",
        "市长表示，第一批工程将在春季开始，到九月份孩子们至少可以回到一部分教室上课。",
        "议员们就资金来源进行了激烈的争论，一部分资金由国际伙伴承诺提供，其余由市政府自行承担。",
    ],
}
HEADLINE = {
    "ru": "Совет утвердил план восстановления школ",
    "uk": "Рада ухвалила план відновлення шкіл",
    "de": "Stadtrat beschließt Wiederaufbau der Schulen",
    "zh": "市议会通过学校重建计划",
}


def _dump(language: str, *, wrap: int | None = None) -> str:
    """A scraper's dump of a news page: site name, menu, headline, body, the menu again."""
    menu = MENU[language].split("|")
    body = BODY[language]
    if wrap:  # hard-wrapped, as some scrapers and mail archives deliver text
        body = ["\n".join(_wrapped(paragraph, wrap)) for paragraph in body]
    parts = ["Example News", *menu, HEADLINE[language], "12.03.2024 10:45", *body, *menu[:10]]
    return "\n\n".join(parts)


def _wrapped(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


@pytest.mark.parametrize("language", sorted(BODY))
def test_a_page_keeps_its_body_and_loses_its_menu_in_any_language(language: str) -> None:
    cleaned = clean_text(_dump(language))
    assert cleaned.language == language
    for paragraph in BODY[language]:
        assert paragraph in cleaned.text, paragraph[:40]
    for item in MENU[language].split("|"):
        assert item not in cleaned.text.split("\n\n"), item
    rules = {r.rule for r in cleaned.removed}
    assert "low_content" in rules or "outside_body" in rules


@pytest.mark.parametrize("language", ["ru", "uk", "de"])
def test_a_hard_wrapped_page_keeps_its_body(language: str) -> None:
    cleaned = clean_text(_dump(language, wrap=60))
    truth = "\n".join(BODY[language])
    score = match(cleaned.text, truth).score
    assert score.recall >= 0.95 and score.precision >= 0.9, (language, score)


def _real_pages() -> list[tuple[str, str, str]]:
    truth = json.loads((REAL / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (page_id, (REAL / f"{page_id}.txt").read_text(encoding="utf-8"), page["articleBody"])
        for page_id, page in sorted(truth.items())
    ]


@pytest.mark.parametrize(("page_id", "text", "body"), _real_pages(), ids=lambda v: v[:10])
def test_real_non_english_pages_keep_most_of_their_body(page_id: str, text: str, body: str) -> None:
    cleaned = clean_text(text)
    assert cleaned.language in ("ru", "pt", "de")
    score = match(cleaned.text, body).score
    # under English stop words, the Russian shop page kept 0.48 of its body
    assert score.recall >= 0.8 and score.f1 >= 0.85, score

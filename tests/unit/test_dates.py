"""Publication dates: explicit dates in text, the order of trust between the date clues, and
what a file's `documents` row says (date and date_source) for text files and HTML pages."""

import datetime
from pathlib import Path

import pytest

from pipeline.stages.cleaning import Cleaned, RemovedLine
from pipeline.stages.dates import (
    EARLIEST,
    choose_date,
    dating_text,
    latest_plausible,
    latest_text_date,
    text_dates,
)
from pipeline.stages.document import WorkItem, prepare
from pipeline.stages.extract import extract_html
from tests.unit.test_html import PAGE

D = datetime.date
SEEN = datetime.datetime(2022, 3, 10, 12, 0, tzinfo=datetime.UTC)
PARAGRAPH = (
    "The city council approved the new budget after a long debate in the chamber, and the "
    "opposition said the plan would raise local taxes for most families in the city."
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Kyiv, February 26, 2022 - troops", D(2022, 2, 26)),
        ("on Feb. 26, 2022 at dawn", D(2022, 2, 26)),
        ("on Feb 26 2022 at dawn", D(2022, 2, 26)),
        ("Saturday, February 26th, 2022", D(2022, 2, 26)),
        ("published 26 February 2022", D(2022, 2, 26)),
        ("the 26th of February, 2022", D(2022, 2, 26)),
        ("26 Feb 2022", D(2022, 2, 26)),
        ("SEPT. 5, 2022", D(2022, 9, 5)),
        ("5 Sep 2022", D(2022, 9, 5)),
        ("Posted 2022-02-26T10:00:00Z", D(2022, 2, 26)),
        ("may 1, 2021", D(2021, 5, 1)),
    ],
)
def test_explicit_full_dates_in_common_english_forms(text: str, day: datetime.date):
    assert text_dates(text) == [day]


@pytest.mark.parametrize(
    "text",
    [
        "02/26/2022 and 26/02/2022",  # month or day first: the same digits, not read
        "26.02.2022",
        "in August 2021",  # no day
        "on February 26",  # no year
        "February 30, 2022",  # no such day
        "2022-13-01",
        "12022-02-26",  # not a year
        "the 2022-02-261 batch",
        "in 2022, 26 people",
    ],
)
def test_no_full_date(text: str):
    assert text_dates(text) == []


def test_dates_are_in_the_order_written():
    text = "On 3 March 2022 he recalled February 24, 2022 and the 2014-03-18 treaty."
    assert text_dates(text) == [D(2022, 3, 3), D(2022, 2, 24), D(2014, 3, 18)]


def test_latest_date_not_after_first_seen_nor_before_the_web():
    text = (
        "The attack of February 24, 2022 was planned, officials said on 1 March 2022. "
        "Elections are due on March 31, 2024. It recalled June 22, 1941."
    )
    assert latest_text_date(text, D(2022, 3, 10)) == D(2022, 3, 1)  # 2024 is after first seen
    assert latest_text_date(text, D(2025, 1, 1)) == D(2024, 3, 31)
    assert latest_text_date("It recalled June 22, 1941.", D(2022, 3, 10)) is None  # history
    assert latest_text_date("On 1 January 1995.", D(2022, 1, 1)) == EARLIEST
    assert latest_text_date("No date at all.", D(2022, 3, 10)) is None


def test_latest_plausible_day_is_the_first_seen_day_where_it_is_latest():
    late = datetime.datetime(2022, 2, 26, 23, 30, tzinfo=datetime.UTC)  # Feb 27 in Kyiv
    assert latest_plausible(late) == D(2022, 2, 27)
    assert latest_plausible(late.replace(hour=9)) == D(2022, 2, 26)


def test_the_first_clue_in_order_of_trust_wins():
    a, b, c = D(2022, 1, 1), D(2022, 1, 2), D(2022, 1, 3)
    assert choose_date(a, b, c) == (a, "marker")
    assert choose_date(None, b, c) == (b, "html")
    assert choose_date(None, None, c) == (c, "text")
    assert choose_date(None, None, None) == (None, None)


# --- a file's row ----------------------------------------------------------------------------


def _row(tmp_path: Path, name: str, content: str, seen: datetime.datetime = SEEN) -> dict:
    path = tmp_path / name
    path.write_text(content)
    info = path.stat()
    item = WorkItem(name, str(path), 0, info.st_size, info.st_mtime_ns, None, seen, False)
    return prepare(item, max_bytes=1_000_000).document


def test_a_text_file_is_dated_by_its_marker_before_its_text(tmp_path: Path):
    row = _row(tmp_path, "a.txt", f"date 2022-02-27 Headline\n\n{PARAGRAPH} (March 1, 2022)\n")
    assert (row["published_date"], row["date_source"]) == (D(2022, 2, 27), "marker")


def test_a_text_file_without_marker_is_dated_by_its_own_lines(tmp_path: Path):
    caption = "A column of vehicles is seen near the border on February 26, 2022"
    row = _row(tmp_path, "a.txt", f"Headline\n\n{PARAGRAPH}\n\n{caption}\n\n{PARAGRAPH}\n")
    assert (row["published_date"], row["date_source"]) == (D(2022, 2, 26), "text")
    assert "February 26, 2022" not in str(row["text"])  # the caption was cleaned away


def test_dates_of_other_articles_and_later_days_do_not_date_a_file(tmp_path: Path):
    related = "Read more: Talks resume in Minsk (March 3, 2022)"
    later = f"{PARAGRAPH} The vote is set for April 2, 2022."
    row = _row(tmp_path, "a.txt", f"Headline\n\n{PARAGRAPH}\n\n{related}\n\n{later}\n")
    assert (row["published_date"], row["date_source"]) == (None, None)
    row = _row(tmp_path, "b.txt", f"Headline\n\n{later}\n", seen=SEEN.replace(month=5))
    assert (row["published_date"], row["date_source"]) == (D(2022, 4, 2), "text")


def test_an_html_page_is_dated_by_its_metadata_then_by_its_text(tmp_path: Path):
    row = _row(tmp_path, "a.html", PAGE, seen=SEEN.replace(year=2023, month=6))
    assert (row["published_date"], row["date_source"]) == (D(2023, 5, 2), "html")
    undated = PAGE.replace(
        '<meta property="article:published_time" content="2023-05-02T09:30:00Z">', ""
    )
    dated_text = undated.replace("before the end of the summer", "before June 1, 2023")
    row = _row(tmp_path, "b.html", dated_text, seen=SEEN.replace(year=2023, month=6))
    assert (row["published_date"], row["date_source"]) == (D(2023, 6, 1), "text")


def test_html_metadata_after_first_seen_is_not_believed(tmp_path: Path):
    row = _row(tmp_path, "a.html", PAGE, seen=SEEN)  # first seen in 2022, "published" 2023
    assert (row["published_date"], row["date_source"]) == (None, None)


def test_html_dates_never_fetch_anything(monkeypatch: pytest.MonkeyPatch):
    import htmldate.utils
    import trafilatura.downloads

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(htmldate.utils, "fetch_url", refuse)
    monkeypatch.setattr(trafilatura.downloads, "fetch_url", refuse)
    for page in ("https://example.com/2022/02/26/story", "http://x.example", PAGE):
        extract_html(page, latest=D(2024, 1, 1))  # a page that is only a URL is text


def test_the_lines_that_date_an_article_are_its_header_and_its_own():
    source = "\n".join(
        [
            "Headline",  # 0 title
            "Home | News",  # 1 low_content: the page's header
            "November 18, 2019 9:24 pm",  # 2 low_content: the dateline
            "Other story, November 25, 2019",  # 3 outside_body: another article's teaser
            PARAGRAPH,  # 4: the body starts
            "A boat is pictured on November 16, 2019",  # 5 photo_caption: its own
            "Weather widget November 30, 2019",  # 6 low_content after the body: the page's
            "Mayor resigns November 20, 2019",  # 7 related_list
        ]
    )
    removed = [
        (0, "title"), (1, "low_content"), (2, "low_content"), (3, "outside_body"),
        (5, "photo_caption"), (6, "low_content"), (7, "related_list"),
    ]  # fmt: skip
    lines = source.split("\n")
    cleaned = Cleaned(
        text=PARAGRAPH,
        title="Headline",
        published_date=None,
        source_url=None,
        removed=tuple(RemovedLine(i, lines[i], rule) for i, rule in removed),
    )
    text = dating_text(cleaned, source)
    assert text_dates(text) == [D(2019, 11, 18), D(2019, 11, 16)]
    assert latest_text_date(text, D(2026, 1, 1)) == D(2019, 11, 18)

"""Publication dates: which of a document's date clues it is dated by, and the explicit full
dates written in its text.

A document is dated, in order of trust, by the scraper's `date YYYY-MM-DD` marker (`marker`),
the HTML page's own metadata (`html`, read by htmldate in pipeline/stages/extract.py), or the
latest explicit full date written in its text (`text`) that is not after the file was first
seen: an article names the day it reports, and rarely a later one, while the dates it recalls
are earlier. A document with none of these is undated (published_date and date_source null).

Text dates are full dates in the common English forms: "February 26, 2022", "Feb. 26 2022",
"26 February 2022", "26th of Feb, 2022", "Saturday, February 26th, 2022" and ISO "2022-02-26".
Numeric forms with slashes or dots ("02/03/2022") are not read: month-first and day-first
writers use the same digits. A month and year alone ("in August 2021") is not a full date.
"""

import datetime
import re
from collections.abc import Iterator

from pipeline.stages.cleaning import Cleaned

# a month by the first three letters of its English name or abbreviation
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# Written as a tree of prefixes, and entered only at a word that starts like a month: the
# patterns run over every document's text, and dating the 93 page dumps of the cleaning
# evaluation (9,000 characters on average) took 2.4 ms a page with a plain alternation of the
# 25 names, tried at every word, and 1.2 ms this way (cleaning them: 16.5 ms a page).
_MONTH = (
    r"(?=[adfjmnos])(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})(?!\d)"
# "February 26, 2022" / "Feb. 26th 2022"; "26 February 2022" / "26th of Feb, 2022"; "2022-02-26"
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(rf"\b(?=\d){_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE)
ISO = re.compile(r"\b(?<!-)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
# Scraped web news was not published before the web: a date before this in an article's text
# is history it recalls. htmldate takes the same earliest plausible date for web pages.
EARLIEST = datetime.date(1995, 1, 1)
# Where the calendar is furthest ahead (UTC+14): a first-seen instant is on this many hours
# later a day somewhere, and an article dated that day in its place may already be online.
FURTHEST_AHEAD = datetime.timedelta(hours=14)

DATE_SOURCES = ("marker", "html", "text")


def text_dates(text: str) -> list[datetime.date]:
    """Every explicit full date written in `text`, in order of appearance (impossible ones,
    such as February 30, left out)."""
    return [day for _, day in sorted(_matches(text), key=lambda found: found[0])]


def _matches(text: str) -> Iterator[tuple[int, datetime.date]]:
    for pattern in (MONTH_DAY_YEAR, DAY_MONTH_YEAR, ISO):
        for match in pattern.finditer(text):
            month = match.group("month")
            number = int(month) if month.isdigit() else MONTHS[month[:3].lower()]
            try:
                day = datetime.date(int(match.group("year")), number, int(match.group("day")))
            except ValueError:
                continue
            yield match.start(), day


def latest_text_date(text: str, latest: datetime.date) -> datetime.date | None:
    """The latest explicit full date in `text` between EARLIEST and `latest` (the day the file
    was first seen), or None."""
    days = [day for day in text_dates(text) if EARLIEST <= day <= latest]
    return max(days, default=None)


def latest_plausible(first_seen: datetime.datetime) -> datetime.date:
    """The latest publication day a file first seen at `first_seen` can carry: that instant's
    date where the calendar is furthest ahead."""
    return (first_seen.astimezone(datetime.UTC) + FURTHEST_AHEAD).date()


def choose_date(
    marker: datetime.date | None, html: datetime.date | None, text: datetime.date | None
) -> tuple[datetime.date | None, str | None]:
    """The published date and its source (`marker`, `html`, `text`), the first clue present in
    that order of trust; (None, None) for an undated document."""
    for day, source in zip((marker, html, text), DATE_SOURCES, strict=True):
        if day is not None:
            return day, source
    return None, None


# Which lines cleaning removed still date the article (a date in the others is not its date):
# wherever they are, its own headline, byline, picture captions, repeated lines and cut last
# sentence; and before its body begins, the page's header (the dateline and byline are short
# lines that cleaning takes for labels), but for the lines of other articles or people there.
# On the 93 text dumps of the cleaning evaluation, the header's lines dated 69 instead of 22
# documents, 63 of them within three days of their HTML page's date (docs/dates.md).
OWN_LINE_RULES = frozenset(
    {"title", "byline", "photo_caption", "repeated_line", "truncated_sentence"}
)
FOREIGN_LINE_RULES = frozenset(
    {
        "read_more",
        "related_list",
        "teaser",
        "outside_body",
        "comments",
        "comment_form",
        "common_line",
    }
)


def dating_text(cleaned: Cleaned, source: str) -> str:
    """The text whose explicit dates are the article's: the lines cleaning removed that still
    date it (see OWN_LINE_RULES), then the body."""
    removed = {line.line_no for line in cleaned.removed}
    lines = source.split("\n")
    body = next((i for i, line in enumerate(lines) if line.strip() and i not in removed), None)
    start = len(lines) if body is None else body
    kept = [
        line.text
        for line in cleaned.removed
        if line.rule in OWN_LINE_RULES
        or (line.line_no < start and line.rule not in FOREIGN_LINE_RULES)
    ]
    return "\n".join([*kept, cleaned.text])

"""Rules that move metadata out of the body: the scraper's date marker, the headline, the
page's address; and lines without a word."""

import datetime
import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import WORD, Page, RemovedLine, folded

DATE_MARKER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})\b\s*(.*)$", re.IGNORECASE)
BARE_URL = re.compile(r"^\s*<?(https?://|www\.)\S+>?\s*$", re.IGNORECASE)
MAX_TITLE_WORDS = 40  # headlines run 5-20 words; 40 leaves room for "Title | Section | Site"


@dataclass(frozen=True, slots=True)
class NoWords:
    name: str = "no_words"
    reason: str = "a line without a letter or digit (a rule, a zero-width space) carries no text"

    def apply(self, page: Page) -> None:
        for i in page.body():
            if not WORD.search(page.lines[i]):
                page.no_text.add(i)
                page.drop(i, self.name)


# --- metadata rules -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateMarker:
    name: str = "date_marker"
    reason: str = "a leading `date YYYY-MM-DD` marker is the scraper's date, not prose"

    def apply(self, page: Page) -> None:
        body = page.body()
        if not body:
            return
        i = body[0]
        match = DATE_MARKER.match(page.lines[i])
        if not match:
            return
        try:
            page.published_date = datetime.date(*(int(g) for g in match.group(1, 2, 3)))
        except ValueError:  # 2022-13-45 is not a date; leave the line to the other rules
            return
        rest = match.group(4)
        marker = page.lines[i][: len(page.lines[i]) - len(rest)].strip()
        page.removed.append(RemovedLine(i, marker, self.name))
        page.lines[i] = rest.strip()


@dataclass(frozen=True, slots=True)
class Title:
    name: str = "title"
    reason: str = "the first line is the headline; it is metadata, not body"

    def apply(self, page: Page) -> None:
        body = page.body()
        if not page.has_title:
            return
        # A first line of paragraph length is prose: the page came without its headline.
        if body and len(folded(page.lines[body[0]])) <= MAX_TITLE_WORDS:
            page.title, page.title_line = page.lines[body[0]], body[0]
            page.drop(body[0], self.name)


@dataclass(frozen=True, slots=True)
class SourceUrl:
    name: str = "source_url"
    reason: str = "a bare URL on the last line is the page's address, not prose"

    def apply(self, page: Page) -> None:
        body = page.body()
        if body and BARE_URL.match(page.lines[body[-1]]):
            page.source_url = page.lines[body[-1]].strip("<>")
            page.drop(body[-1], self.name)

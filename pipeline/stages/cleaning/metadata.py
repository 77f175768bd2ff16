"""Rules that move metadata out of the body: the scraper's date marker, the headline, the
page's address; and lines without a word."""

import datetime
import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import WORD, Page, RemovedLine, ends_sentence, folded, line_key

DATE_MARKER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})\b\s*(.*)$", re.IGNORECASE)
BARE_URL = re.compile(r"^\s*<?(https?://|www\.)\S+>?\s*$", re.IGNORECASE)
MAX_TITLE_WORDS = 40  # headlines run 5-20 words; 40 leaves room for "Title | Section | Site"
# A line ending with one full stop is a sentence (an ellipsis or a question may end a headline).
FULL_STOP = re.compile(r"(?<![.])\.[\"'”’)\]]*$")


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
        if not body or not page.has_title:
            return
        first, line = body[0], page.lines[body[0]]
        # A first line of paragraph length is prose: the page came without its headline.
        if len(folded(line)) > MAX_TITLE_WORDS or _wrapped(page, first):
            return
        # A typed answer or a plain text starts with a sentence; a headline seldom ends with a
        # full stop (16 of 2,225 BBC headlines end with . ! or ?, 1 of 93 pages of the
        # cleaning evaluation with a full stop), unless the page shows it is one.
        if FULL_STOP.search(line) and not _headline_shown(page, body):
            return
        page.title, page.title_line = line, first
        page.drop(first, self.name)


def _wrapped(page: Page, first: int) -> bool:
    """The first line runs on into the next with no blank line between, as a hard-wrapped
    paragraph's lines do (or mid-sentence into lower case): it is no headline."""
    following = page.source[first + 1] if first + 1 < len(page.source) else ""
    lower = bool(following) and following[0].islower() and not ends_sentence(page.lines[first])
    return lower or page.runs_on(first)


def _headline_shown(page: Page, body: list[int]) -> bool:
    """The page marks its first line a headline: a scraper's date marker opens it, or the
    next line says it again (a page's title and its <h1>)."""
    if DATE_MARKER.match(page.source[body[0]]):
        return True
    return len(body) > 1 and line_key(page.lines[body[1]]) == line_key(page.lines[body[0]])


@dataclass(frozen=True, slots=True)
class SourceUrl:
    name: str = "source_url"
    reason: str = "a bare URL on the last line is the page's address, not prose"

    def apply(self, page: Page) -> None:
        body = page.body()
        if body and BARE_URL.match(page.lines[body[-1]]):
            page.source_url = page.lines[body[-1]].strip("<>")
            page.drop(body[-1], self.name)

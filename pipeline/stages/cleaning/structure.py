"""Rules that judge a line by what surrounds it in the document: repeats, comment threads,
text said twice, teasers, a last sentence cut short."""

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.stages.cleaning.page import (
    FUNCTION_WORDS,
    Page,
    ends_sentence,
    folded,
    last_sentence_start,
    line_key,
)

ELLIPSIS_END = re.compile(r"(?<!\.)(\s?)(?:\.\.\.|…)\s*$")  # four dots end a sentence
# A comment's byline: "joe says:", "Ann on May 2, 2019 at 4:47 pm said:", "Ben commented on".
COMMENT_MARKER = re.compile(
    r"^\S.{0,80}?\s(?:(?:says|said|wrote|replied)\s*:|commented\s+on\b.{0,80})\s*$", re.IGNORECASE
)
COMMENT_HEADER = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|responses?|replies|reactions|thoughts\s+on)\b"
    r"|^\W*(?:leave\s+a\s+(?:reply|comment)|comments\s+are\s+closed|reader\s+comments)\b",
    re.IGNORECASE,
)
COMMENT_MIN_MARKERS = 3  # one "X said:" may introduce a quote; three in a page are a thread
COMMENT_LOOKBACK = 6  # lines before the first byline where the thread's header may stand
COMMENT_MAX_WORDS = 15
CAPTION_MIN_WORDS = 4  # a doubled "Best Of" is a label; a doubled sentence-long line a caption
AGGREGATE_MIN_SHINGLES = 20  # a sentence or two; shorter repeats are left to repeated_line
AGGREGATE_SHARE = 0.8  # of a line's 4-word shingles found in shorter lines: it repeats them


@dataclass(frozen=True, slots=True)
class RepeatedLine:
    name: str = "repeated_line"
    reason: str = "a line equal to the one before it (or its end) is the same element twice"
    caption_rule: str = "photo_caption"

    def apply(self, page: Page) -> None:
        # Compare with the previous non-blank input line even if a rule already dropped it,
        # so the copy of a dropped title or caption goes too.
        prev: int | None = None
        for i, line in enumerate(page.source):
            if not line:
                continue
            if prev is not None and page.lines[i]:
                self._compare(page, prev, page.source[prev], i, page.lines[i])
            prev = i

    def _compare(self, page: Page, j: int, before: str, i: int, line: str) -> None:
        key, key_before = line_key(line), line_key(before)
        if not key or not key_before.endswith(key):
            return
        if key_before != key and not key_before.endswith(" " + key):
            return  # "...and Ukraine" does not repeat "Ukraine"'s line
        if len(key.split()) < 3 and key_before != key:
            return  # too short to tell an echo from chance
        page.drop(i, self.name)
        if ends_sentence(line) or not page.lines[j] or len(key.split()) < CAPTION_MIN_WORDS:
            return
        if key_before == key:
            page.drop(j, self.caption_rule)
        else:  # the caption was glued to the end of the paragraph before it
            page.cut(j, page.lines[j][: last_sentence_start(page.lines[j])], self.caption_rule)


@dataclass(frozen=True, slots=True)
class TruncatedSentence:
    name: str = "truncated_sentence"
    reason: str = "the scraper cut the last sentence off mid-word; a half sentence is noise"

    def apply(self, page: Page) -> None:
        body = page.body()
        if not body:
            return
        i = body[-1]
        line = page.lines[i]
        if ends_sentence(line) or not self._cut_off(line, page):
            return
        page.cut(i, line[: last_sentence_start(line)], self.name)

    @staticmethod
    def _cut_off(line: str, page: Page) -> bool:
        words = [w for text in page.lines for w in folded(text)]
        if not words:
            return False
        last = words.pop()  # the cut word; the rest of the document is its reference
        if last in FUNCTION_WORDS:
            return True
        if last in words:
            return False  # used elsewhere in the document: a real word ("Metronews247")
        return any(len(w) > len(last) and w.startswith(last) for w in set(words))


@dataclass(frozen=True, slots=True)
class Aggregate:
    name: str = "duplicate_text"
    reason: str = (
        "a long line made of text that shorter lines already hold (a metadata copy of the "
        "whole article, a summary box) says it all twice"
    )

    def apply(self, page: Page) -> None:
        # Shortest lines first, so each line is checked against the shingles of all strictly
        # shorter ones with one set intersection (the rule's cost was a Python step per
        # shingle: a third of all cleaning).
        length = {i: len(page.lines[i]) for i in page.body()}
        shorter: set[tuple[str, ...]] = set()
        repeats = []
        for _, group in itertools.groupby(sorted(length, key=length.get), key=length.get):
            shingles = [(i, _shingles(page.lines[i])) for i in group]
            for i, mine in shingles:
                big = len(mine) >= AGGREGATE_MIN_SHINGLES
                if big and len(mine & shorter) >= AGGREGATE_SHARE * len(mine):
                    repeats.append(i)
            for _, mine in shingles:
                shorter |= mine
        for i in sorted(repeats):
            page.drop(i, self.name)


def _shingles(line: str) -> set[tuple[str, ...]]:
    words = folded(line)
    return {words[k : k + 4] for k in range(len(words) - 3)}


@dataclass(frozen=True, slots=True)
class Excerpt:
    name: str = "teaser"
    reason: str = "a line cut off with an ellipsis ('...improved Alexa suppor...') is a preview"

    def apply(self, page: Page) -> None:
        words: Counter[str] | None = None  # counted at the first ellipsis, before any drop
        for i in page.body():
            line = page.lines[i]
            ellipsis = ELLIPSIS_END.search(line)
            if not ellipsis or not folded(line):
                continue
            if words is None:
                words = Counter(w for text in page.lines for w in folded(text))
            last = folded(line)[-1]
            # cut after a word no sentence ends on, or mid-word: glued to a fragment that is
            # nowhere else in the text ("suppor..."), where a writer's pause has a space or a
            # whole word before it
            glued = not ellipsis.group(1)
            if last in FUNCTION_WORDS or (glued and words[last] <= 1):
                page.drop(i, self.name)


@dataclass(frozen=True, slots=True)
class CommentThread:
    name: str = "comments"
    reason: str = "readers' comments under the article are not the article"

    def apply(self, page: Page) -> None:
        body = page.body()
        markers = [i for i in body if _is_comment_marker(page.lines[i])]
        if len(markers) < COMMENT_MIN_MARKERS:
            return
        # The thread follows the article: its first byline comes after some prose; bylines
        # above any prose are a "recent comments" box, and only they go.
        low = page.params.length_low
        prose = next((i for i in body if _is_prose(page.lines[i], low)), None)
        after = [i for i in markers if prose is not None and i > prose]
        start = _thread_header(page, after[0]) if len(after) >= COMMENT_MIN_MARKERS else None
        for i in body:
            if i in markers or (start is not None and i >= start):
                page.drop(i, self.name)


def _is_prose(line: str, length_low: int) -> bool:
    return len(line) >= length_low and ends_sentence(line)


def _is_comment_marker(line: str) -> bool:
    return len(folded(line)) <= COMMENT_MAX_WORDS and bool(COMMENT_MARKER.match(line))


def _thread_header(page: Page, first: int) -> int:
    """The comment thread's header ("34 responses to ...") just above its first byline."""
    before = [i for i in range(first) if page.source[i]][-COMMENT_LOOKBACK:]
    headers = [i for i in before if COMMENT_HEADER.match(page.source[i])]
    return headers[0] if headers else first

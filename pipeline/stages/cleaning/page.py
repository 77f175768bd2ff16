"""The page being cleaned: its lines, what rules removed, and helpers the rules share."""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.stages.cleaning.params import DEFAULT_PARAMS, CleaningParams

WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends with . ! ? or … , optionally followed by closing quotes or brackets; in
# informal writing an emoji ends it too ("See you soon! 🙂", "Try it this weekend 😉").
EMOJI = r"[\u263a\U0001f300-\U0001faff]\ufe0f?"  # smileys, pictographs
# The full stops of other scripts too: CJK 。！？, Devanagari ।, Arabic ؟ and ۔, Armenian ։;
# and the closing quotes and brackets 」』“ ）.
STOPS = r"[.!?…。！？｡।؟۔։]"
CLOSERS = r"[\"'”’»)\]」』“）]"
TERMINAL = re.compile(r"(?:" + STOPS + CLOSERS + r"*|" + EMOJI + r")(?:\s*" + EMOJI + r")*$")
TERMINAL_TAIL = 16  # characters: the stop and what may close it; searching them is enough
SENTENCE_END = re.compile(STOPS + CLOSERS + r"*\s+")
# Hard-wrapped text (mail, plain-text dumps, typed answers) breaks lines at 60-120 columns.
WRAP_WIDTHS = range(60, 121)

# Words that cannot end an English sentence: a line stopping on one was cut off.
_FUNCTION_WORDS = """
a an the and or but nor of to in on at by for with from into onto about as than that which who
whom whose whether if because while although though his her its their our your my this these
those is are was were be been being has have had will would shall should can could may might
must not no very
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True, slots=True)
class RemovedLine:
    line_no: int
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    title: str | None
    published_date: datetime.date | None
    source_url: str | None
    removed: tuple[RemovedLine, ...]
    language: str = "und"  # ISO 639-1 code of the page's prose, "und" when unsure


# --- the page being cleaned -----------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """The mutable working state the rules act on; one per `clean_text` call."""

    lines: list[str]  # current text of each input line, stripped; "" once dropped or blank
    source: tuple[str, ...] = ()  # the input lines as they came, stripped
    common_lines: frozenset[int] = frozenset()  # `line_hash`es of corpus-level boilerplate
    has_title: bool = True  # False: the text is known to start with body, not a headline
    title: str | None = None
    title_line: int = -1
    published_date: datetime.date | None = None
    source_url: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    classes: dict[int, str] = field(default_factory=dict)  # line -> good/bad, see ContentClass
    no_text: set[int] = field(default_factory=set)  # lines without words: neutral, see NoWords
    params: CleaningParams = DEFAULT_PARAMS
    language: str = "und"
    stop_words: frozenset[str] | None = None  # the language's list; None: judge without one
    wrapped_at: int | None = None  # see wrap_width; computed once, from the input lines

    def body(self) -> list[int]:
        """Indices of the lines still in the body, in order."""
        return [i for i, line in enumerate(self.lines) if line]

    def joined_body(self) -> str:
        """The body's lines, a blank line apart, except that the lines of a hard-wrapped
        paragraph are joined by a space: each would otherwise be a paragraph of its own, and
        the sentence segmenter would end a sentence at every line end."""
        body = self.body()
        parts: list[str] = []
        for k, i in enumerate(body):
            if k and body[k - 1] == i - 1 and self.runs_on(i - 1):
                parts[-1] += " " + self.lines[i]
            else:
                parts.append(self.lines[i])
        return "\n\n".join(parts)

    def runs_on(self, i: int) -> bool:
        """Line i of a hard-wrapped text breaks where the wrap broke it: the next line's first
        word would not have fit on it."""
        width = self.wrap_width()
        following = self.source[i + 1] if i + 1 < len(self.source) else ""
        first_word = following.split(" ", 1)[0]
        return bool(width and following) and len(self.source[i]) + 1 + len(first_word) > width

    def in_wrapped_paragraph(self, i: int) -> bool:
        """Line i is a piece of a hard-wrapped paragraph: it runs on, or the one before does."""
        return self.runs_on(i) or (i > 0 and self.runs_on(i - 1))

    def wrap_width(self) -> int:
        """The width the text is wrapped at (its longest line that runs on into the next), or 0
        when it is not hard-wrapped."""
        if self.wrapped_at is None:
            pairs = zip(self.source, self.source[1:], strict=False)
            running = [len(line) for line, after in pairs if line and after]
            width = max(running, default=0)
            self.wrapped_at = width if len(running) >= 2 and width in WRAP_WIDTHS else 0
        return self.wrapped_at

    def drop(self, i: int, rule: str) -> None:
        self.removed.append(RemovedLine(i, self.lines[i], rule))
        self.lines[i] = ""

    def cut(self, i: int, keep: str, rule: str) -> None:
        """Keep the first `keep` characters of line i and record the rest as removed."""
        rest = self.lines[i][len(keep) :].strip()
        if not keep.strip():
            self.drop(i, rule)
            return
        if rest:
            self.removed.append(RemovedLine(i, rest, rule))
        self.lines[i] = keep.strip()


class Rule(Protocol):
    name: str
    reason: str

    def apply(self, page: Page) -> None: ...


def line_key(line: str) -> str:
    """Case, punctuation and spacing-free form of a line, to compare lines across documents."""
    return " ".join(WORD.findall(line.casefold()))


def line_hash(key: str) -> int:
    """A signed 64-bit hash of a `line_key`: how the lake counts lines across documents."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


# Several rules read the casefolded words of the same lines (some a document's every line).
# Cached, with the word count checked before the patterns and duplicate_text done with set
# operations, cleaning BBC's 2,225 articles and the 93 dev pages took 3.6-4.2 s instead of
# 5.6-7.7 s (three runs each, the same output by digest).
@functools.lru_cache(maxsize=4096)
def folded(text: str) -> tuple[str, ...]:
    """The words of a line, casefolded."""
    return tuple(w.casefold() for w in WORD.findall(text))


def ends_sentence(line: str) -> bool:
    return bool(TERMINAL.search(line[-TERMINAL_TAIL:]))


def last_sentence_start(line: str) -> int:
    """Offset where the line's last sentence begins (0 when it holds a single sentence)."""
    ends = list(SENTENCE_END.finditer(line))
    return ends[-1].end() if ends else 0

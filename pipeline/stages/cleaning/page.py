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

    def body(self) -> list[int]:
        """Indices of the lines still in the body, in order."""
        return [i for i, line in enumerate(self.lines) if line]

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

"""Keyword in context from the `tokens` table: every occurrence of a word (case-insensitive),
or with `lemma=True` every form of its lemma, with a window of words either side."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.explore import ExploreError
from pipeline.lake.search import documents_with
from pipeline.lake.store import LakeReader
from pipeline.settings import KWIC_WIDTH

MAX_WINDOW = 50
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class KwicLine:
    """One occurrence of the keyword with the words around it."""

    doc_id: str
    sent_idx: int
    tok_idx: int
    left: str
    keyword: str
    right: str


@dataclass(frozen=True, slots=True)
class Concordance:
    """The lines shown (at most the limit) and how many occurrences there are in all."""

    lines: tuple[KwicLine, ...]
    total: int


def kwic(
    reader: LakeReader,
    word: str,
    *,
    data_dir: Path,
    lemma: bool = False,
    window: int = 5,
    limit: int = 50,
) -> Concordance:
    """The first `limit` occurrences of `word` (or of its lemma's forms), by document, with
    `window` words either side, and how many there are in all. Only the tokens of the first
    documents holding it are read: the search index names them, `word_counts` the total."""
    word = word.strip()
    if not word:
        raise ExploreError("the word is empty")
    if any(ch.isspace() for ch in word):
        raise ExploreError(f"give one word, not a phrase: {word!r}")
    if not 0 <= window <= MAX_WINDOW:
        raise ExploreError(f"--window must be between 0 and {MAX_WINDOW} (got {window})")
    if limit < 1:
        raise ExploreError(f"--limit must be at least 1 (got {limit})")
    folded = word.lower()
    forms = [row[0] for row in reader.rows("explore/kwic_forms", [folded])] if lemma else []
    total = reader.row("explore/kwic_total", [folded, lemma, forms])[0]
    if not total:
        return Concordance((), 0)
    field, terms = ("lemmas", forms) if lemma else ("words", [folded])
    # each of the first `limit` documents holds the word at least once: enough for the lines
    docs = documents_with(reader, data_dir, terms, field=field, limit=limit)
    params = {"docs": docs, "word": word, "lemma": lemma, "forms": forms}
    rows = reader.rows("explore/kwic", params | {"window": window, "limit": limit})
    lines = tuple(KwicLine(d, s, t, lf, kw, rt.rstrip()) for d, s, t, lf, kw, rt in rows)
    return Concordance(lines, total)


def format_kwic(lines: Sequence[KwicLine], width: int = KWIC_WIDTH) -> list[str]:
    """One line per occurrence: doc_id, sentence, then the contexts with the keyword aligned."""
    doc_width = max((len(line.doc_id) for line in lines), default=0)
    return [
        f"{line.doc_id:<{doc_width}}  s{line.sent_idx:<4}  "
        f"{_left(line.left, width):>{width}}{line.keyword}{_right(line.right, width)}"
        for line in lines
    ]


def _left(text: str, width: int) -> str:
    text = SPACES.sub(" ", text)
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


def _right(text: str, width: int) -> str:
    text = SPACES.sub(" ", text).rstrip()
    return text if len(text) <= width else text[: width - 1] + "…"

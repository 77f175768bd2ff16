"""Ranked full-text search (BM25) over the cleaned documents, with a snippet per hit.

The index is the lake's search cache (pipeline.lake.search), brought in step with the lake
before each search; this module asks it and turns its matches into hits with the matched
words marked.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.explore import ExploreError
from pipeline.lake.search import analyze, best_matches
from pipeline.lake.store import LakeReader

SNIPPET_CHARS = 160
MARK = ("[", "]")
WORD = re.compile(r"[^\W\d_]+")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One document found by a search, best first."""

    rank: int
    score: float
    doc_id: str
    title: str | None
    published_date: date | None
    snippet: str


def search(reader: LakeReader, query: str, *, data_dir: Path, limit: int = 10) -> list[SearchHit]:
    """The documents best matching `query` by BM25, with a snippet marking the matched words."""
    if not query.strip():
        raise ExploreError("the query is empty")
    if limit < 1:
        raise ExploreError(f"--limit must be at least 1 (got {limit})")
    terms = set(analyze(query))
    if not terms:
        raise ExploreError(f"nothing to search for in {query!r}: only stop words or punctuation")
    if reader.row("lake/ok_documents")[0] == 0:
        raise ExploreError("no documents to search yet: the lake holds no `ok` document")
    scores = best_matches(reader, data_dir, query, limit)
    rows = {row[0]: row for row in reader.rows("search/hits", [sorted(scores)])}
    ranked = sorted(scores, key=lambda doc_id: (-scores[doc_id], doc_id))
    hits = []
    for rank, doc_id in enumerate(ranked, start=1):
        _, title, published, text = rows[doc_id]
        text = text or ""
        stems = {w: _stem(w) for w in {m.group() for m in WORD.finditer(text)}}
        hits.append(
            SearchHit(rank, scores[doc_id], doc_id, title, published, snippet(text, terms, stems))
        )
    return hits


def _stem(word: str) -> str:
    cut = analyze(word)
    return cut[0] if cut else ""


def snippet(text: str, terms: set[str], stems: dict[str, str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the most query terms, matches marked."""
    text = SPACES.sub(" ", text).strip()
    spans = [m.span() for m in WORD.finditer(text) if stems.get(m.group()) in terms]
    if not spans:
        return _clip(text, 0, width)
    start, end = _best_window(spans, [stems[text[a:b]] for a, b in spans], width)
    lead = max(0, (width - (end - start)) // 3)
    begin = _word_start(text, max(0, start - lead))
    return _clip(_marked(text, spans), *_shift(spans, begin, begin + width))


def _best_window(
    spans: Sequence[tuple[int, int]], keys: Sequence[str], width: int
) -> tuple[int, int]:
    """The span run fitting in `width` characters with the most distinct terms, then matches."""
    best, best_score = (spans[0][0], spans[0][1]), (0, 0)
    for i, (start, _) in enumerate(spans):
        inside = [j for j in range(i, len(spans)) if spans[j][1] - start <= width]
        score = (len({keys[j] for j in inside}), len(inside))
        if score > best_score:
            best, best_score = (start, spans[inside[-1]][1]), score
    return best


def _word_start(text: str, pos: int) -> int:
    """Move `pos` back to the start of the word it falls in."""
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], MARK[0], text[start:end], MARK[1]]
        last = end
    out.append(text[last:])
    return "".join(out)


def _shift(spans: Sequence[tuple[int, int]], begin: int, end: int) -> tuple[int, int]:
    """Positions in the marked text of positions `begin` and `end` of the plain text."""
    added = len(MARK[0]) + len(MARK[1])
    before_begin = sum(added for s, _ in spans if s < begin)
    before_end = sum(added for s, _ in spans if s < end)
    return begin + before_begin, end + before_end


def _clip(text: str, begin: int, end: int) -> str:
    """text[begin:end] cut at a word boundary, with an ellipsis where text was cut."""
    piece = text[begin:end]
    if end < len(text) and " " in piece:
        piece = piece[: piece.rindex(" ")]
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + len(piece) < len(text) else ""
    return prefix + piece.strip() + suffix


def format_hits(hits: Sequence[SearchHit]) -> list[str]:
    """Three lines per hit: rank, score, date and doc_id; the title; the snippet."""
    lines = []
    for hit in hits:
        day = hit.published_date.isoformat() if hit.published_date else "undated"
        lines += [
            f"{hit.rank:>2}. score {hit.score:.3f}  {day}  {hit.doc_id}",
            f"    {hit.title or '(no title)'}",
            f"    {hit.snippet}",
        ]
    return lines

"""Exploring the corpus: ranked full-text search and keyword in context.

Pure functions over a DuckDB connection to the lake (the read-only one of `storage.connect`,
or any connection with tables in the schemas of pipeline/schema.py); no Dagster here.

Search is BM25 from DuckDB's fts extension. An FTS index cannot live inside the lake, so it is
built in a separate local DuckDB file (`DATA/search.duckdb`) from a copy of the `ok` documents:
a derived cache, never a source of truth. The cache records a fingerprint of the documents it
was built from (doc_id, content hash and code version of each); every search compares it with
the lake's and rebuilds the cache when they differ. A rebuild writes a new file beside the old
one and renames it into place, so concurrent searches never see a half-built index and only
ever open the cache read-only.

Keyword in context reads the `tokens` table: every occurrence of a word (case-insensitive), or
with `lemma=True` every form of its lemma, with a window of words either side.
"""

import os
import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.lake import OFFLINE_CONFIG, SQL_DIR, duck, extension_path
from pipeline.settings import KWIC_WIDTH

SEARCH_SQL = SQL_DIR / "search"
KWIC_SQL = SQL_DIR / "kwic.sql"
SEARCH_CACHE = "search.duckdb"
SNIPPET_CHARS = 160
MAX_WINDOW = 50
MARK = ("[", "]")
WORD = re.compile(r"[^\W\d_]+")
SPACES = re.compile(r"\s+")


class ExploreError(ValueError):
    """Input that cannot be searched for; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One document found by a search, best first."""

    rank: int
    score: float
    doc_id: str
    title: str | None
    published_date: date | None
    snippet: str


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


def _sql(name: str) -> str:
    return (SEARCH_SQL / name).read_text()


# --- search ----------------------------------------------------------------------------------


def search(
    lake: duckdb.DuckDBPyConnection, query: str, *, cache: Path, limit: int = 10
) -> list[SearchHit]:
    """The documents best matching `query` by BM25, with a snippet marking the matched words."""
    if not query.strip():
        raise ExploreError("the query is empty")
    if limit < 1:
        raise ExploreError(f"--limit must be at least 1 (got {limit})")
    index = open_index(lake, cache)
    try:
        terms = query_terms(index, query)
        rows = index.execute(_sql("match.sql"), {"query": query, "limit": limit}).fetchall()
        stems = _stems(index, (text or "" for *_, text, _ in rows))
    finally:
        index.close()
    return [
        SearchHit(rank, score, doc_id, title, published, snippet(text or "", terms, stems))
        for rank, (doc_id, title, published, text, score) in enumerate(rows, start=1)
    ]


def query_terms(index: duckdb.DuckDBPyConnection, query: str) -> set[str]:
    """The stems the index will look for; ExploreError when there are none."""
    rows = index.execute(_sql("query_terms.sql"), {"query": query}).fetchall()
    if not rows:
        raise ExploreError(f"nothing to search for in {query!r}: only stop words or punctuation")
    return {row[0] for row in rows}


def open_index(lake: duckdb.DuckDBPyConnection, cache: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an up-to-date search index, rebuilding the cache if stale."""
    documents, fingerprint = lake.execute(_sql("fingerprint.sql")).fetchone()
    if documents == 0:
        raise ExploreError("no documents to search yet: the lake holds no `ok` document")
    index = _open_cached(cache, fingerprint)
    if index is None:
        build_index(lake, cache, fingerprint)
        index = _open_cached(cache, fingerprint)
    if index is None:
        raise ExploreError(f"the search index {cache} could not be built")
    return index


def _open_cached(cache: Path, fingerprint: str) -> duckdb.DuckDBPyConnection | None:
    """The cache opened read-only if it exists and was built from these documents."""
    if not cache.exists():
        return None
    try:
        con = duckdb.connect(str(cache), read_only=True, config=OFFLINE_CONFIG)
    except duckdb.Error:
        return None  # unreadable (e.g. written by another DuckDB version): rebuild
    try:
        con.load_extension(str(extension_path("fts")))
        row = con.execute(_sql("index_info.sql")).fetchone()
    except duckdb.Error:
        row = None
    if row is None or row[0] != fingerprint:
        con.close()
        return None
    return con


def build_index(lake: duckdb.DuckDBPyConnection, cache: Path, fingerprint: str) -> None:
    """Copy the `ok` documents into a fresh index file, then move it over the old cache."""
    documents: pa.Table = lake.execute(_sql("documents.sql")).fetch_arrow_table()
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
    _remove(partial)
    try:
        con = duck("fts", database=str(partial))
        try:
            con.register("search_source", documents)
            con.execute(_sql("create_docs.sql"))
            con.execute(_sql("create_index.sql"))
            params = {"fingerprint": fingerprint, "documents": documents.num_rows}
            con.execute(_sql("create_info.sql"), params)
        finally:
            con.close()
        _remove(cache.with_name(cache.name + ".wal"))  # a stale log must not replay on the new file
        os.replace(partial, cache)
    finally:
        _remove(partial)


def _remove(path: Path) -> None:
    for file in (path, path.with_name(path.name + ".wal")):
        with suppress(FileNotFoundError):
            file.unlink()


def _stems(index: duckdb.DuckDBPyConnection, texts: Iterable[str]) -> dict[str, str]:
    """The index's stem of every distinct word of the texts."""
    words = sorted({m.group() for text in texts for m in WORD.finditer(text)})
    if not words:
        return {}
    return dict(index.execute(_sql("word_stems.sql"), {"words": words}).fetchall())


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


# --- keyword in context ----------------------------------------------------------------------


def kwic(
    con: duckdb.DuckDBPyConnection,
    word: str,
    *,
    lemma: bool = False,
    window: int = 5,
    limit: int = 50,
) -> Concordance:
    """Every occurrence of `word` (or of its lemma's forms) with `window` words either side."""
    word = word.strip()
    if not word:
        raise ExploreError("the word is empty")
    if any(ch.isspace() for ch in word):
        raise ExploreError(f"give one word, not a phrase: {word!r}")
    if not 0 <= window <= MAX_WINDOW:
        raise ExploreError(f"--window must be between 0 and {MAX_WINDOW} (got {window})")
    if limit < 1:
        raise ExploreError(f"--limit must be at least 1 (got {limit})")
    params = {"word": word, "lemma": lemma, "window": window, "limit": limit}
    rows = con.execute(KWIC_SQL.read_text(), params).fetchall()
    lines = tuple(KwicLine(d, s, t, lf, kw, rt.rstrip()) for d, s, t, lf, kw, rt, _ in rows)
    return Concordance(lines, rows[0][-1] if rows else 0)


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

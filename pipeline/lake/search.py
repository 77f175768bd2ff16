"""The search index: BM25 from DuckDB's fts extension over the `ok` documents.

An fts index cannot live inside the lake, so it is built in a separate local DuckDB file
(DATA/search.duckdb) from a copy of the documents: a derived cache, never a source of truth.
The cache records a fingerprint of the documents it was built from (doc_id, content hash and
code version of each); opening it compares that with the lake's and rebuilds the cache when
they differ. A rebuild writes a new file beside the old one and renames it into place, so
concurrent searches never see a half-built index and only ever open the cache read-only.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pyarrow as pa

from pipeline.lake.connection import Connection, Error, duck
from pipeline.lake.sql import statement
from pipeline.lake.store import LakeReader

SEARCH_CACHE = "search.duckdb"


class SearchIndex:
    """An open, up-to-date index: the query's terms, the matches, the stems of words."""

    def __init__(self, con: Connection) -> None:
        self._con = con

    def terms(self, query: str) -> set[str]:
        """The stems the index will look for (stop words and punctuation dropped)."""
        return {row[0] for row in self._rows("search/query_terms", {"query": query})}

    def match(self, query: str, limit: int) -> list[tuple]:
        """(doc_id, title, published_date, text, score) of the best matches, best first."""
        return self._rows("search/match", {"query": query, "limit": limit})

    def stems(self, words: list[str]) -> dict[str, str]:
        """The index's stem of each word."""
        return dict(self._rows("search/word_stems", {"words": words})) if words else {}

    def _rows(self, name: str, params: dict) -> list[tuple]:
        return self._con.execute(statement(name), params).fetchall()


@contextmanager
def search_index(reader: LakeReader, cache: Path) -> Iterator[SearchIndex | None]:
    """The index of the lake's `ok` documents, rebuilt first if stale; None when the lake has
    no `ok` document to search."""
    documents, fingerprint = reader.row("search/fingerprint")
    if documents == 0:
        yield None
        return
    con = _open_cached(cache, fingerprint)
    if con is None:
        build_index(reader, cache, fingerprint)
        con = _open_cached(cache, fingerprint)
    if con is None:
        raise RuntimeError(f"the search index {cache} could not be built")
    try:
        yield SearchIndex(con)
    finally:
        con.close()


def _open_cached(cache: Path, fingerprint: str) -> Connection | None:
    """The cache opened read-only if it exists and was built from these documents."""
    if not cache.exists():
        return None
    try:
        con = duck("fts", database=str(cache), read_only=True)
    except Error:
        return None  # unreadable (e.g. written by another DuckDB version): rebuild
    try:
        row = con.execute(statement("search/index_info")).fetchone()
    except Error:
        row = None
    if row is None or row[0] != fingerprint:
        con.close()
        return None
    return con


def build_index(reader: LakeReader, cache: Path, fingerprint: str) -> None:
    """Copy the `ok` documents into a fresh index file, then move it over the old cache."""
    documents: pa.Table = reader.arrow("search/documents")
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f"{cache.name}.{os.getpid()}.partial")
    _remove(partial)
    try:
        con = duck("fts", database=str(partial))
        try:
            con.register("search_source", documents)
            con.execute(statement("search/create_docs"))
            con.execute(statement("search/create_index"))
            params = {"fingerprint": fingerprint, "documents": documents.num_rows}
            con.execute(statement("search/create_info"), params)
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

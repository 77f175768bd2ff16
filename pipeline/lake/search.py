"""The search index: a tantivy index of the `ok` documents under DATA/search/, a cache derived
from the lake (the lake stays the only source of truth), updated in place for the documents
that changed.

Each document is indexed with its title and text (English analysis: lower-cased, accents
folded, stop words dropped, stemmed: BM25 search), and with its tokens' words and lemmas as
spaCy cut them (lower-cased, whitespace-separated: keyword in context finds its documents
there). Beside the index, `versions.parquet` holds each indexed document's version (content
hash and code version) and `state.json` the lake snapshot they were read at. `sync_index`
compares the lake's versions with those and re-indexes only what moved, under a file lock,
so concurrent readers never sync at once; when the snapshot has not moved it costs a lookup.
"""

import fcntl
import functools
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import tantivy

from pipeline.lake.store import LakeReader

SEARCH_DIR = "search"
INDEX_VERSION = 1  # of the schema and analysis below: a change rebuilds the index
VERSIONS_FILE = "versions.parquet"
STATE_FILE = "state.json"
LOCK_FILE = ".lock"
WRITER_HEAP = 64_000_000  # bytes tantivy buffers before it writes a segment
CHUNK_DOCS = 1_000  # documents read from the lake and indexed at a time: memory stays flat
ENGLISH = "english_stemmed"
WORDS = "spacy_words"


@functools.cache
def text_analyzer() -> tantivy.TextAnalyzer:
    """How titles, texts and queries are cut into terms for BM25."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def analyze(text: str) -> list[str]:
    """The terms a text or query becomes (stemmed, no stop words)."""
    return text_analyzer().analyze(text)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc_id", stored=True, fast=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name=ENGLISH)
    builder.add_text_field("text", tokenizer_name=ENGLISH)
    builder.add_text_field("words", tokenizer_name=WORDS, index_option="freq")
    builder.add_text_field("lemmas", tokenizer_name=WORDS, index_option="freq")
    return builder.build()


def _open(path: Path) -> tantivy.Index:
    index = tantivy.Index(_schema(), path=str(path), reuse=True)
    index.register_tokenizer(ENGLISH, text_analyzer())
    words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer(WORDS, words)
    return index


def best_matches(reader: LakeReader, data_dir: Path, query: str, limit: int) -> dict[str, float]:
    """The `limit` documents best matching `query` by BM25 (doc_id -> score), from an index
    first brought in step with the lake."""
    index = sync_index(reader, data_dir)
    index.reload()
    searcher = index.searcher()
    parsed, _ = index.parse_query_lenient(query, ["title", "text"])
    return {searcher.doc(a)["doc_id"][0]: score for score, a in searcher.search(parsed, limit).hits}


def documents_with(
    reader: LakeReader, data_dir: Path, words: list[str], *, field: str, limit: int
) -> list[str]:
    """The first `limit` documents by doc_id whose tokens (field "words") or lemmas
    ("lemmas") include one of `words` (lower-cased)."""
    index = sync_index(reader, data_dir)
    index.reload()
    searcher = index.searcher()
    terms = [tantivy.Query.term_query(index.schema, field, word) for word in words]
    query = tantivy.Query.boolean_query([(tantivy.Occur.Should, term) for term in terms])
    found = searcher.search(
        query, limit, count=False, order_by_field="doc_id", order=tantivy.Order.Asc
    )
    return [doc_id for doc_id, _ in found.hits]


def sync_index(reader: LakeReader, data_dir: Path) -> tantivy.Index:
    """Bring the index in step with the lake: (re)index the documents whose version moved and
    remove those that are gone. Returns the index."""
    folder = data_dir / SEARCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / LOCK_FILE):
        snapshot = reader.row("lake/current_snapshot")[0]
        state = _state(folder)
        if state.get("version") != INDEX_VERSION:
            shutil.rmtree(folder / "index", ignore_errors=True)
            state = {}
        (folder / "index").mkdir(exist_ok=True)
        index = _open(folder / "index")
        if state.get("snapshot") == snapshot:
            return index
        known = _versions(folder) if state else _no_versions()
        current = pl.from_arrow(reader.arrow("search/versions"))
        changed, gone = _diff(current, known)
        _apply(index, reader, changed, gone)
        pq.write_table(current.to_arrow(), folder / VERSIONS_FILE)
        _write_state(folder, {"version": INDEX_VERSION, "snapshot": snapshot})
        return index


def _diff(current: pl.DataFrame, known: pl.DataFrame) -> tuple[list[str], list[str]]:
    """Documents new or with another version, and documents no longer in the lake."""
    joined = current.join(known, on="doc_id", how="full", suffix="_known", coalesce=True)
    changed = joined.filter(
        pl.col("version").is_not_null()
        & (pl.col("version_known").is_null() | (pl.col("version") != pl.col("version_known")))
    )
    gone = joined.filter(pl.col("version").is_null())
    return changed["doc_id"].to_list(), gone["doc_id"].to_list()


def _apply(index: tantivy.Index, reader: LakeReader, changed: list[str], gone: list[str]) -> None:
    if not changed and not gone:
        return
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for doc_id in (*changed, *gone):
        writer.delete_documents_by_term("doc_id", doc_id)
    for start in range(0, len(changed), CHUNK_DOCS):
        rows = reader.arrow("search/documents", [changed[start : start + CHUNK_DOCS]])
        for row in rows.to_pylist():
            writer.add_document(
                tantivy.Document(
                    doc_id=row["doc_id"],
                    title=row["title"] or "",
                    text=row["text"] or "",
                    words=row["words"] or "",
                    lemmas=row["lemmas"] or "",
                )
            )
    writer.commit()
    writer.wait_merging_threads()


def _versions(folder: Path) -> pl.DataFrame:
    path = folder / VERSIONS_FILE
    return pl.from_arrow(pq.read_table(path)) if path.exists() else _no_versions()


def _no_versions() -> pl.DataFrame:
    return pl.DataFrame(schema={"doc_id": pl.String, "version": pl.String})


def _state(folder: Path) -> dict:
    try:
        return json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _write_state(folder: Path, state: dict) -> None:
    """Written after the index and its versions: a sync killed before it is done again."""
    partial = folder / f".{STATE_FILE}.{os.getpid()}"
    partial.write_text(json.dumps(state))
    os.replace(partial, folder / STATE_FILE)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One sync at a time (a second waits): tantivy takes one writer per index."""
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

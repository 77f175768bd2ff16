"""Keeping the text reuse tables current in the lake, comparing only documents that changed.

A pass reads what each `ok` document is made from (`sql/document_sources.sql`) and the signatures
kept by the last pass (`reuse_signatures`). The documents whose source moved (new, changed,
re-annotated) are the focus: they are signed afresh and compared with the whole corpus; pairs
with a side in the focus or deleted are replaced, every other pair is kept. A change of reuse's
own code moves every source, so the pass is then a full one, as is the first.

Scores of the kept pairs were computed with the IDF weights of their day; adding documents
moves those weights a little. A full pass (`corpus backfill --all`, or a change of reuse's
code) recomputes every pair with today's weights.
"""

from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.reuse import CONTENT_POS, changed_documents, detect, merge, sign_documents
from pipeline.schema import REUSE_SIGNATURES, REUSED_SENTENCES, TEXT_REUSE
from pipeline.storage import DOCUMENT_SOURCES_SQL, SQL_DIR, replace_tables

REUSE_SQL = SQL_DIR / "reuse"
PAIR_KEYS = ["doc_a", "doc_b"]
SENTENCE_KEYS = ["doc_a", "doc_b", "sent_a", "sent_b"]
# Texts read and signed per slice: a full pass never holds every text of the corpus at once.
SIGN_CHUNK_DOCS = 1_000
KEPT = {
    "reuse_signatures": REUSE_SIGNATURES,
    "text_reuse": TEXT_REUSE,
    "reused_sentences": REUSED_SENTENCES,
}


@dataclass(frozen=True)
class ReuseUpdate:
    """What one pass did: the whole `text_reuse` table after it, and how much it compared."""

    pairs: pa.Table
    n_sentences: int
    compared: int  # documents signed afresh and compared with the corpus
    removed: int  # documents gone since the last pass
    full: bool


def update_reuse(
    con: duckdb.DuckDBPyConnection,
    version: str,
    *,
    state: tuple[str, str],
    full: bool = False,
) -> ReuseUpdate:
    """Bring the three reuse tables up to date in one transaction (recording `state`);
    `full` compares every document again, as if no pass had run before."""
    current = dict(con.execute(DOCUMENT_SOURCES_SQL.read_text(), [version, None]).fetchall())
    previous = _previous(con, full=full)
    kept = previous["reuse_signatures"]
    stored = dict(zip(kept["doc_id"].to_pylist(), kept["source"].to_pylist(), strict=True))
    focus = changed_documents(current, stored)
    stale = focus | (stored.keys() - current.keys())
    full = focus == current.keys()
    fresh = sign_focus(con, sorted(focus), current)
    signatures = merge_signatures(previous["reuse_signatures"], fresh, current.keys() - focus)
    pairs, sentences = TEXT_REUSE.empty_table(), REUSED_SENTENCES.empty_table()
    if focus:  # else only deletions: no comparison, the merge drops their pairs
        ids = signatures["doc_id"].to_pylist()  # sorted: tokens name documents by index here
        query = (REUSE_SQL / "tokens.sql").read_text()
        tokens = con.execute(query, [list(CONTENT_POS), ids]).pl()
        pairs, sentences = detect(signatures, tokens, focus=None if full else focus)
    if not full:
        pairs = merge(previous["text_reuse"], pairs, stale, PAIR_KEYS)
        sentences = merge(previous["reused_sentences"], sentences, stale, SENTENCE_KEYS)
    tables = {"reuse_signatures": signatures, "text_reuse": pairs, "reused_sentences": sentences}
    replace_tables(con, tables, state=state)
    return ReuseUpdate(pairs, sentences.num_rows, len(focus), len(stale - focus), full)


def sign_focus(
    con: duckdb.DuckDBPyConnection, focus: list[str], sources: dict[str, str]
) -> pa.Table:
    """REUSE_SIGNATURES rows of the `focus` documents (sorted ids), their texts read and signed
    SIGN_CHUNK_DOCS at a time, so a full pass never holds every text of the corpus at once."""
    query = (REUSE_SQL / "texts.sql").read_text()
    parts = [REUSE_SIGNATURES.empty_table()]
    for start in range(0, len(focus), SIGN_CHUNK_DOCS):
        texts = con.execute(query, [focus[start : start + SIGN_CHUNK_DOCS]]).pl()
        parts.append(
            sign_documents(texts.with_columns(source=pl.col("doc_id").replace_strict(sources)))
        )
    return pa.concat_tables(parts)


def merge_signatures(previous: pa.Table, fresh: pa.Table, kept: set[str]) -> pa.Table:
    """The previous signatures of the `kept` documents, and the fresh ones, sorted by doc_id."""
    keep = pc.is_in(previous["doc_id"], pa.array(sorted(kept), type=pa.string()))
    merged = pa.concat_tables([previous.filter(keep), fresh])
    return merged.sort_by("doc_id")


def _previous(con: duckdb.DuckDBPyConnection, *, full: bool) -> dict[str, pa.Table]:
    """The three tables as the last pass left them; all empty when any is missing, or when
    the pass is to be a full one."""
    present = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if full or not set(KEPT) <= present:
        return {name: schema.empty_table() for name, schema in KEPT.items()}
    return {
        name: con.execute(f"SELECT * FROM {name}").fetch_arrow_table().cast(schema)
        for name, schema in KEPT.items()
    }

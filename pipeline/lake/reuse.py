"""Keeping the text reuse tables current in the lake, comparing only documents that changed.

A pass reads what each `ok` document is made from (`sql/document_sources.sql`) and the signatures
kept by the last pass (`reuse_signatures`). The documents whose source moved (new, changed,
re-annotated) are the focus: they are signed afresh and compared with the whole corpus; the rows
with a side in the focus or deleted are deleted and the new ones inserted, every other row stays
where it is (a pass over one new document writes its rows, not the ~280,000 of 4 copies of BBC).
A change of reuse's own code moves every source, so the pass is then a full one, as is the
first, and the three tables are written whole.

Scores of the kept pairs were computed with the IDF weights of their day; adding documents
moves those weights a little. A full pass (`corpus backfill --all`, or a change of reuse's
code) recomputes every pair with today's weights.
"""

from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.lake.store import LakeWriter
from pipeline.schema import REUSE_SIGNATURES, REUSED_SENTENCES, TEXT_REUSE
from pipeline.stages.reuse import changed_documents, detect, sign_documents, signed_ids
from pipeline.stages.reuse.index import CONTENT_POS, index_lemmas

PAIR_TABLES = ("text_reuse", "reused_sentences")  # rows name two documents: doc_a, doc_b
# Texts read and signed per slice: a full pass never holds every text of the corpus at once.
SIGN_CHUNK_DOCS = 1_000
REUSE_TABLES = ("reuse_signatures", *PAIR_TABLES)


@dataclass(frozen=True)
class ReuseUpdate:
    """What one pass did: how much it compared, and how many rows it wrote."""

    pairs_found: int  # text_reuse rows with a side in the focus (all of them in a full pass)
    sentences_found: int
    compared: int  # documents signed afresh and compared with the corpus
    removed: int  # documents gone since the last pass
    full: bool


def update_reuse(
    lake: LakeWriter,
    version: str,
    *,
    state: tuple[str, str],
    full: bool = False,
) -> ReuseUpdate:
    """Bring the three reuse tables up to date in one transaction (recording `state`);
    `full` compares every document again, as if no pass had run before."""
    current = dict(lake.rows("lake/document_sources", [version, None]))
    kept = _previous_signatures(lake, full=full)
    stored = dict(zip(kept["doc_id"].to_pylist(), kept["source"].to_pylist(), strict=True))
    focus = changed_documents(current, stored)
    stale = focus | (stored.keys() - current.keys())
    full = focus == current.keys()
    fresh = sign_focus(lake, sorted(focus), current)
    signatures = merge_signatures(kept, fresh, current.keys() - focus)
    pairs, sentences = TEXT_REUSE.empty_table(), REUSED_SENTENCES.empty_table()
    if focus:  # else only deletions: no comparison, only their rows go
        lemmas = read_index(lake, signed_ids(signatures))
        pairs, sentences = detect(signatures, lemmas, focus=None if full else focus)
    found = {"text_reuse": pairs, "reused_sentences": sentences}
    if full:
        lake.replace_tables({"reuse_signatures": signatures, **found}, state=state)
    else:
        _replace_rows(lake, sorted(stale), {"reuse_signatures": fresh, **found}, state=state)
    return ReuseUpdate(pairs.num_rows, sentences.num_rows, len(focus), len(stale - focus), full)


def _replace_rows(
    lake: LakeWriter,
    stale: list[str],
    tables: dict[str, pa.Table],
    *,
    state: tuple[str, str],
) -> None:
    """In one transaction: delete the rows naming a `stale` document, insert the new ones."""
    with lake.transaction(f"text reuse of {len(stale):,} new, changed or deleted documents"):
        lake.execute("reuse/forget_signatures", [stale])
        for name in PAIR_TABLES:
            lake.execute("reuse/forget_pairs", [stale], table=name)
        for name, table in tables.items():
            lake.insert(name, table)
        lake.record_state(*state)


def read_index(lake: LakeWriter, ids: list[str]) -> pl.DataFrame:
    """The sentence index of `index_lemmas` for the documents `ids` (sorted; a document's did
    is its index there). Tokens come keyed by a hash of their lemma, the lemmas once each, so
    the corpus's lemma strings are never in memory row by row; the frame of keyed tokens is
    dropped once reduced to the index."""
    pos = list(CONTENT_POS)
    names = lake.frame("reuse/lemma_names", [pos])
    if names["lemma_key"].n_unique() != names.height:  # 64-bit: ~1e-10 for 100,000 lemmas
        raise RuntimeError("two lemmas share a 64-bit hash; text reuse cannot key them apart")
    content = lake.frame("reuse/tokens", [pos, ids])
    return index_lemmas(content.lazy(), names)


def sign_focus(lake: LakeWriter, focus: list[str], sources: dict[str, str]) -> pa.Table:
    """REUSE_SIGNATURES rows of the `focus` documents (sorted ids), their texts read and signed
    SIGN_CHUNK_DOCS at a time, so a full pass never holds every text of the corpus at once."""
    parts = [REUSE_SIGNATURES.empty_table()]
    for start in range(0, len(focus), SIGN_CHUNK_DOCS):
        texts = lake.frame("reuse/texts", [focus[start : start + SIGN_CHUNK_DOCS]])
        parts.append(
            sign_documents(texts.with_columns(source=pl.col("doc_id").replace_strict(sources)))
        )
    return pa.concat_tables(parts)


def merge_signatures(previous: pa.Table, fresh: pa.Table, kept: set[str]) -> pa.Table:
    """The previous signatures of the `kept` documents, and the fresh ones, sorted by doc_id."""
    keep = pc.is_in(previous["doc_id"], pa.array(sorted(kept), type=pa.string()))
    merged = pa.concat_tables([previous.filter(keep), fresh])
    return merged.sort_by("doc_id")


def _previous_signatures(lake: LakeWriter, *, full: bool) -> pa.Table:
    """The signatures the last pass kept; none when any of the three tables is missing, or
    when the pass is to be a full one."""
    if full or not set(REUSE_TABLES) <= lake.tables():
        return REUSE_SIGNATURES.empty_table()
    rows = lake.arrow("reuse/signatures")
    return rows.cast(REUSE_SIGNATURES)

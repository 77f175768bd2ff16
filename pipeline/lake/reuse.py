"""Keeping the text reuse tables current in the lake, comparing only what changed.

A pass finds the `ok` documents whose source moved since the last one (new, changed,
re-annotated: `sql/reuse/focus_documents.sql`) and those gone (`stale_documents.sql`); both
are SQL over the lake, so only their ids come back. Documents are compared as texts (see
pipeline/stages/reuse): a document whose text the lake already holds (a copy) costs one row;
a new text gets its signature (MinHash, here) and its postings (grams, sentence lemmas, LSH
bands: SQL over its tokens), then DuckDB joins its postings with everyone's to find its
candidates (reuse_compare.py), and only the candidates' rows come to Python to be compared.
Reported text pairs are then written out for the pass's documents (`document_pairs.sql`,
`document_passages.sql`: every document holding either text, with the likely source), and
the stories they touch are recomputed. All in one transaction, with the pass's state.

A change of reuse's own code moves every source: the pass is then a full one, as is the
first, and everything is rebuilt. Pairs kept from earlier passes were scored with the IDF
weights of their day; a full pass (`corpus backfill --all`) rescores them with today's.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pipeline.lake.reuse_compare import find_pairs
from pipeline.lake.store import LakeWriter
from pipeline.schema import REUSE_BANDS, REUSE_CLUSTERS, REUSE_DOCUMENTS, REUSE_TABLES
from pipeline.stages.reuse import sign_texts, text_key
from pipeline.stages.reuse.align import CONTENT_POS, MIN_SENTENCE_LEMMAS
from pipeline.stages.reuse.clusters import clusters
from pipeline.stages.reuse.minhash import LSH_BANDS, band_keys

# Texts read and signed per slice: a full pass never holds every text of the corpus at once.
SIGN_CHUNK_DOCS = 1_000
DOCUMENT_PAIR_TABLES = ("text_reuse", "reused_passages")
TEXT_TABLES = ("reuse_texts", "reuse_bands", "reuse_grams", "reuse_lemmas")
TEXT_PAIR_TABLES = ("reuse_text_pairs", "reuse_text_passages")
OBSOLETE_TABLES = ("reuse_signatures", "reused_sentences")  # kept by the pass before this one


@dataclass(frozen=True)
class ReuseUpdate:
    """What one pass did."""

    compared: int  # documents new or changed since the last pass
    new_texts: int  # distinct texts among them the lake did not hold (the ones compared)
    removed: int  # documents gone (or changed) since the last pass
    pairs: int  # text_reuse rows written for the documents compared
    full: bool


def update_reuse(
    lake: LakeWriter, version: str, *, state: tuple[str, str], full: bool = False
) -> ReuseUpdate:
    """Bring the reuse tables up to date in one transaction (recording `state`); `full`
    compares every document again, as if no pass had run before."""
    if not set(REUSE_TABLES) <= lake.tables():
        lake.ensure_tables(REUSE_TABLES)
    with lake.transaction():
        if full:
            _clear(lake)
        stale = [doc_id for (doc_id,) in lake.rows("reuse/stale_documents", [version])]
        focus = lake.rows("reuse/focus_documents", [version])
        lake.describe(f"text reuse of {len({*stale, *(f[0] for f in focus)}):,} documents")
        touched = _cluster_members(lake, stale)
        _forget_documents(lake, stale)
        full = full or lake.count("reuse_documents") == 0
        if full:
            _clear(lake)
        new_keys = _add_documents(lake, focus)
        _forget_orphan_texts(lake)
        find_pairs(lake, new_keys)
        focus_ids = [doc_id for doc_id, _, _ in focus]
        pairs = _write_documents(lake, None if full else focus_ids)
        _update_clusters(lake, None if full else sorted({*focus_ids, *touched}), stale)
        lake.record_state(*state)
    gone = len(set(stale) - {doc_id for doc_id, _, _ in focus})
    return ReuseUpdate(len(focus), len(new_keys), gone, pairs, full)


def recompare(lake: LakeWriter, doc_ids: list[str]) -> None:
    """Make the next pass compare these documents again, as if they and their texts were new
    (the texts' pairs are found again; other documents holding them keep their rows)."""
    keys = [key for (key,) in lake.rows("reuse/document_keys", [doc_ids])]
    with lake.transaction():
        lake.execute("reuse/recompare", [doc_ids])
        _forget_texts(lake, keys)


def _clear(lake: LakeWriter) -> None:
    """Every reuse table empty, with its declared columns (a lake made by an earlier version
    gets them here), and the tables that version kept and this one does not, gone."""
    for table, schema in REUSE_TABLES.items():
        with lake.registered("replacement", schema.empty_table()):
            lake.execute("lake/replace_table", table=table)
    for table in OBSOLETE_TABLES:
        lake.execute("reuse/drop_table", table=table)


def _forget_documents(lake: LakeWriter, doc_ids: list[str]) -> None:
    """The rows of documents gone or changed (their stories are redone by the caller)."""
    if not doc_ids:
        return
    lake.execute("reuse/forget_documents", [doc_ids], table="reuse_documents")
    lake.execute("reuse/forget_documents", [doc_ids], table="reuse_clusters")
    for table in DOCUMENT_PAIR_TABLES:
        lake.execute("reuse/forget_document_pairs", [doc_ids], table=table)


def _add_documents(lake: LakeWriter, focus: list[tuple[str, str, str]]) -> list[int]:
    """Key the focus documents' texts, record them, and add the texts the lake does not hold
    yet (signatures and postings); returns the new texts' keys, sorted."""
    version = {doc_id: code for doc_id, _, code in focus}
    source = {doc_id: src for doc_id, src, _ in focus}
    new: dict[int, tuple[str, str]] = {}  # key -> (doc_id, text) of one document holding it
    ids = sorted(version)
    for start in range(0, len(ids), SIGN_CHUNK_DOCS):
        texts = lake.rows("reuse/texts", [ids[start : start + SIGN_CHUNK_DOCS]])
        keyed = [(doc_id, text_key(version[doc_id], text or ""), text) for doc_id, text in texts]
        rows = pa.table(
            {
                "doc_id": [doc_id for doc_id, _, _ in keyed],
                "source": [source[doc_id] for doc_id, _, _ in keyed],
                "text_key": [key for _, key, _ in keyed],
            },
            schema=REUSE_DOCUMENTS,
        )
        lake.insert("reuse_documents", rows)
        fresh = {key: (doc_id, text) for doc_id, key, text in keyed if key not in new}
        with lake.registered("reuse_keys", pa.table({"text_key": pa.array(fresh, pa.uint64())})):
            known = {key for (key,) in lake.rows("reuse/known_texts")}
        added = {key: value for key, value in fresh.items() if key not in known}
        _add_texts(lake, added)
        new.update(added)
    return sorted(new)


def _add_texts(lake: LakeWriter, texts: dict[int, tuple[str, str]]) -> None:
    """Signatures, words, sentence lemmas, grams and LSH bands of new texts."""
    if not texts:
        return
    signatures = sign_texts([(key, doc_id, text) for key, (doc_id, text) in texts.items()])
    doc_ids = sorted(doc_id for doc_id, _ in texts.values())
    lake.from_query("lake/create_temp_table_as", "reuse_new_tokens", "reuse/new_tokens", [doc_ids])
    with lake.registered("reuse_new_texts", signatures):
        lake.execute("reuse/insert_lemmas", [list(CONTENT_POS), MIN_SENTENCE_LEMMAS])
        lake.execute("reuse/insert_texts")
        lake.execute("reuse/insert_grams")
    lake.execute("reuse/drop_new_tokens")
    lake.insert("reuse_bands", _bands(signatures))


def _bands(signatures: pa.Table) -> pa.Table:
    """REUSE_BANDS rows: the LSH band keys of every signed text."""
    keys, blobs = signatures["text_key"].to_pylist(), signatures["minhash"].to_pylist()
    signed = [(key, blob) for key, blob in zip(keys, blobs, strict=True) if blob is not None]
    values = [band_keys(np.frombuffer(blob, dtype=np.uint32)) for _, blob in signed]
    return pa.table(
        {
            "text_key": np.repeat(np.array([key for key, _ in signed], np.uint64), LSH_BANDS),
            "band": np.tile(np.arange(LSH_BANDS, dtype=np.int16), len(signed)),
            "band_key": np.concatenate(values) if values else np.zeros(0, np.uint64),
        },
        schema=REUSE_BANDS,
    )


def _forget_orphan_texts(lake: LakeWriter) -> None:
    """The rows of texts no document holds any more."""
    _forget_texts(lake, [key for (key,) in lake.rows("reuse/orphan_texts")])


def _forget_texts(lake: LakeWriter, keys: list[int]) -> None:
    """The rows of these texts: signatures, words, postings and pairs."""
    if not keys:
        return
    with lake.registered("reuse_keys", pa.table({"text_key": pa.array(keys, pa.uint64())})):
        for table in TEXT_TABLES:
            lake.execute("reuse/forget_texts", table=table)
        for table in TEXT_PAIR_TABLES:
            lake.execute("reuse/forget_text_pairs", table=table)


def _write_documents(lake: LakeWriter, doc_ids: list[str] | None) -> int:
    """The documents' rows of text_reuse and reused_passages (None: every document's)."""
    if doc_ids is not None and not doc_ids:
        return 0
    before = lake.count("text_reuse")
    lake.from_query("lake/insert_query", "text_reuse", "reuse/document_pairs", [doc_ids])
    lake.from_query("lake/insert_query", "reused_passages", "reuse/document_passages", [doc_ids])
    return lake.count("text_reuse") - before


def _cluster_members(lake: LakeWriter, doc_ids: list[str]) -> list[str]:
    """Every document of the stories of `doc_ids`."""
    if not doc_ids:
        return []
    return [doc_id for (doc_id,) in lake.rows("reuse/cluster_members", [doc_ids])]


def _update_clusters(lake: LakeWriter, doc_ids: list[str] | None, gone: list[str]) -> None:
    """Redo the stories the documents `doc_ids` (None: all) belong to or belonged to: their
    members now, linked by the pairs now reported, named after their earliest member."""
    if doc_ids is None:
        lake.execute("reuse/clear", table="reuse_clusters")
        links = lake.rows("reuse/cluster_links", [None])
    elif not doc_ids and not gone:
        return
    else:
        linked = {doc for row in lake.rows("reuse/cluster_links", [doc_ids]) for doc in row[:2]}
        members = sorted(set(_cluster_members(lake, sorted(linked | set(doc_ids)))) | linked)
        links = lake.rows("reuse/cluster_links", [members]) if members else []
    seen = {doc: when for a, b, when_a, when_b in links for doc, when in ((a, when_a), (b, when_b))}
    named = clusters(((a, b) for a, b, _, _ in links), seen)
    if doc_ids is not None:
        forget = sorted({*named, *doc_ids, *gone})
        lake.execute("reuse/forget_documents", [forget], table="reuse_clusters")
    rows = pa.table(
        {"doc_id": list(named), "cluster_id": list(named.values())}, schema=REUSE_CLUSTERS
    )
    lake.insert("reuse_clusters", rows)

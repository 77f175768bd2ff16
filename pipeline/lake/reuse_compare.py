"""Candidate pairs of the new texts of a pass, found by DuckDB joins on the postings, and
compared in Python: only the candidates' words and lemmas leave the lake.

The new texts are taken CHUNK_TEXTS at a time (`reuse_focus`); each chunk's candidates are
the texts sharing its normalised-text hash (exact), an LSH band key (near duplicates), or at
least MIN_SHARED_GRAMS indexed grams (sql/reuse/*_candidates.sql). A pair of two new texts
is met once, from its lower key (`reuse_new` holds all of them).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pipeline.lake.store import LakeWriter
from pipeline.schema import REUSE_TEXT_PAIRS, REUSE_TEXT_PASSAGES
from pipeline.stages.reuse.align import SentenceLemmas
from pipeline.stages.reuse.compare import PairFeatures, TextData, compare
from pipeline.stages.reuse.minhash import NEAR_DUP_JACCARD, jaccard
from pipeline.stages.reuse.pairs import THRESHOLDS, TextPair, Thresholds, exact_pair, text_pair

# New texts compared per slice: the candidates of 500 texts and their words stay well under
# 100 MB, whatever the size of the corpus.
CHUNK_TEXTS = 500
# A gram found in more than 50 texts is a stock phrase ("the end of the year"): not indexed.
GRAM_MAX_TEXTS = 50
# A pair must share 8 indexed grams to be compared: a copied passage of 10 words shares 8;
# on the development set the heavily revised texts shared 20 or more with their source (5th
# percentile 35), independent texts on the same topic 2 (median).
MIN_SHARED_GRAMS = 8


@dataclass(frozen=True)
class Compared:
    """A candidate pair of texts (a's key < b's) and what comparing them found."""

    a: TextData
    b: TextData
    exact: bool  # the same normalised text
    near: float | None  # the Jaccard estimate, when it makes them near duplicates
    features: PairFeatures | None  # None for exact copies (nothing to compare)


def find_pairs(lake: LakeWriter, new_keys: list[int], thresholds: Thresholds = THRESHOLDS) -> int:
    """Compare the new texts with every text the lake holds and record the reported pairs
    and their passages; returns how many pairs were reported."""
    reported = 0
    for chunk in compared_chunks(lake, new_keys):
        pairs = [pair for pair in (to_pair(c, thresholds) for c in chunk) if pair is not None]
        lake.insert("reuse_text_pairs", pairs_table(pairs))
        lake.insert("reuse_text_passages", passages_table(pairs))
        reported += len(pairs)
    return reported


def to_pair(compared: Compared, thresholds: Thresholds = THRESHOLDS) -> TextPair | None:
    """The reported pair of a compared candidate, or None."""
    if compared.exact:
        return exact_pair(compared.a, compared.b)
    return text_pair(compared.features, compared.near, thresholds)


def compared_chunks(lake: LakeWriter, new_keys: list[int]) -> Iterator[list[Compared]]:
    """The candidate pairs of the new texts, compared, one chunk of new texts at a time."""
    with lake.registered("reuse_new", _keys(new_keys)):
        for start in range(0, len(new_keys), CHUNK_TEXTS):
            yield list(_compare_chunk(lake, new_keys[start : start + CHUNK_TEXTS]))


def _compare_chunk(lake: LakeWriter, chunk: list[int]) -> Iterator[Compared]:
    with lake.registered("reuse_focus", _keys(chunk)):
        exact = set(lake.rows("reuse/exact_candidates"))
        near = set(lake.rows("reuse/near_candidates"))
        grams = set(lake.rows("reuse/gram_candidates", [GRAM_MAX_TEXTS, MIN_SHARED_GRAMS]))
    pairs = sorted(exact | near | grams)
    texts, signatures = load_texts(lake, sorted({key for pair in pairs for key in pair}))
    for key_a, key_b in pairs:
        a, b = texts[key_a], texts[key_b]
        (hash_a, sig_a), (hash_b, sig_b) = signatures[key_a], signatures[key_b]
        if hash_a is not None and hash_a == hash_b:
            yield Compared(a, b, exact=True, near=None, features=None)
            continue
        estimate = jaccard(sig_a, sig_b) if sig_a is not None and sig_b is not None else 0.0
        near_value = estimate if estimate >= NEAR_DUP_JACCARD else None
        yield Compared(a, b, exact=False, near=near_value, features=compare(a, b))


def load_texts(
    lake: LakeWriter, keys: list[int]
) -> tuple[dict[int, TextData], dict[int, tuple[str | None, np.ndarray | None]]]:
    """TextData of each text, and its (normalised-text hash, MinHash signature)."""
    with lake.registered("reuse_wanted", _keys(keys)):
        words = lake.arrow("reuse/text_words")
        lemmas = lake.arrow("reuse/text_lemmas")
    by_text = _split_lemmas(lemmas)
    texts, signatures = {}, {}
    columns = {name: words[name].combine_chunks() for name in words.column_names}
    for row, key in enumerate(columns["text_key"].to_pylist()):
        texts[key] = TextData(
            key=key,
            n_chars=columns["n_chars"][row].as_py(),
            grams=_list(columns["grams"], row, np.uint64),
            starts=_list(columns["starts"], row, np.int32),
            ends=_list(columns["ends"], row, np.int32),
            sents=_list(columns["sents"], row, np.int32),
            stops=_list(columns["stops"], row, bool),
            lemmas=by_text.get(key, _NO_LEMMAS),
        )
        blob = columns["minhash"][row].as_py()
        signature = np.frombuffer(blob, dtype=np.uint32) if blob is not None else None
        signatures[key] = (columns["text_hash"][row].as_py(), signature)
    return texts, signatures


_NO_LEMMAS = SentenceLemmas(np.zeros(0, np.int32), np.zeros(0, np.uint64), np.zeros(0, np.float64))


def _list(column: pa.ListArray, row: int, dtype: type) -> np.ndarray:
    """One row of a list column as a numpy array."""
    start, end = column.offsets[row].as_py(), column.offsets[row + 1].as_py()
    values = column.values.slice(start, end - start)
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=dtype)


def _split_lemmas(lemmas: pa.Table) -> dict[int, SentenceLemmas]:
    """text_lemmas.sql's rows (sorted by text_key) split into one SentenceLemmas per text."""
    keys = lemmas["text_key"].to_numpy()
    if not len(keys):
        return {}
    sent = lemmas["sent_idx"].to_numpy().astype(np.int32)
    lemma = lemmas["lemma"].to_numpy().astype(np.uint64)
    idf = lemmas["idf"].to_numpy().astype(np.float64)
    bounds = np.flatnonzero(np.diff(keys)) + 1
    starts, ends = np.concatenate([[0], bounds]), np.concatenate([bounds, [len(keys)]])
    return {
        int(keys[s]): SentenceLemmas(sent[s:e], lemma[s:e], idf[s:e])
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def _keys(keys: list[int]) -> pa.Table:
    return pa.table({"text_key": pa.array(keys, pa.uint64())})


def pairs_table(pairs: list[TextPair]) -> pa.Table:
    """REUSE_TEXT_PAIRS rows."""
    return pa.table(
        {
            "text_a": [p.text_a for p in pairs],
            "text_b": [p.text_b for p in pairs],
            "kind": [p.kind for p in pairs],
            "similarity": [p.similarity for p in pairs],
            "share_a": [p.share_a for p in pairs],
            "share_b": [p.share_b for p in pairs],
            "n_passages": [len(p.passages) for p in pairs],
        },
        schema=REUSE_TEXT_PAIRS,
    )


def passages_table(pairs: list[TextPair]) -> pa.Table:
    """REUSE_TEXT_PASSAGES rows, built column by column."""
    rows = [(p.text_a, p.text_b, r) for p in pairs for r in p.passages]
    return pa.table(
        {
            "text_a": [a for a, _, _ in rows],
            "start_a": [r.start_a for _, _, r in rows],
            "end_a": [r.end_a for _, _, r in rows],
            "text_b": [b for _, b, _ in rows],
            "start_b": [r.start_b for _, _, r in rows],
            "end_b": [r.end_b for _, _, r in rows],
            "score": [r.score for _, _, r in rows],
            "method": [r.method for _, _, r in rows],
        },
        schema=REUSE_TEXT_PASSAGES,
    )

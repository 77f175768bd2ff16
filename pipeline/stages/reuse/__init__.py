"""Text reuse between documents: exact copies, near duplicates and spun rewrites.

Every pair is reported once, `doc_a < doc_b`, as the strongest kind that applies
(exact > near_duplicate > rewrite). None of the three compares all pairs of documents or all
pairs of sentences:

- **exact**: the text normalised (NFKC, case-folded, every run of punctuation and whitespace
  made one space) is hashed; documents with the same hash are copies. One pass, grouped by hash.
- **near_duplicate**: a MinHash (datasketch's scheme, fixed seed) of each document's 5-word shingles
  goes into an LSH banding, which returns as candidates only documents that collide in at
  least one band; a candidate pair is kept when its estimated Jaccard similarity is at least
  `NEAR_DUP_JACCARD`. This finds copies with edits, a changed headline, a cut or added ending.
- **rewrite**: a spun article changes most words, so shingles rarely survive, but each
  sentence keeps enough of its content words (names, numbers, rare nouns and verbs) to be
  recognised, and the sentences keep their order. Sentences are reduced to their set of content
  lemmas (nouns, proper nouns, verbs, adjectives, adverbs, numbers; no stop words, no
  punctuation). An inverted index on those lemmas, leaving out lemmas found in more than
  `MAX_LEMMA_SENTENCES` sentences, yields the candidate sentence pairs: sentences of two
  different documents sharing at least `MIN_SHARED_RARE_LEMMAS` indexed lemmas (on BBC: 83k
  candidates instead of 619M pairs). Only those are scored, with an IDF-weighted cosine over
  all their content lemmas. Then, per document pair:
  1. anchors: pairs that are each other's best counterpart, scoring `STRONG_SIMILARITY`;
  2. the heaviest chain of anchors in the same order in both documents is kept, plus anchors
     out of order that score `MOVED_SIMILARITY` (a moved paragraph);
  3. gaps of at most `MAX_FILL_GAP` sentences between consecutive chain anchors are filled
     with pairs scoring `WEAK_SIMILARITY` (one-to-one, best first), and a sentence next to an
     anchor may share the anchor's counterpart (a sentence split in two, or two merged).
  Two documents are a rewrite when at least `REWRITE_MIN_SHARE` of the shorter document's
  sentences, and at least `REWRITE_MIN_SENTENCES`, have a counterpart, with a mean pair score
  of at least `REWRITE_MIN_SIMILARITY`.

Sentence alignment also runs on the near-duplicate pairs (over all sentence pairs of the two
documents) and the exact ones (over same-index sentence pairs; copies whose sentences hold the
same lemma sets in the same order are aligned one to one without scoring), so every reported
pair has its shares and aligned sentences.

Passes can be incremental (pipeline/reuse_update.py): `detect(..., focus=...)` finds only the
pairs with a side in the focus, exactly the ones a full pass would find for them.

`share_a`/`share_b` count only sentences with at least `MIN_SENTENCE_LEMMAS` content lemmas:
headings such as "Read more" or "Leave a Reply" are neither evidence nor a shortfall.
`n_aligned` counts aligned sentence pairs (the rows in `reused_sentences`). `similarity` is 1.0
for exact, the estimated Jaccard of the shingle sets for near_duplicate, and the mean score of
the aligned sentence pairs for rewrite (1.0 = sentences copied, under 0.5 = heavily spun).

Output is deterministic: fixed MinHash seed, integer (quantised) weight sums so no float sum
depends on thread order, and sorted rows.
"""

import hashlib
import itertools
import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
import polars as pl
import pyarrow as pa

from pipeline.schema import REUSE_SIGNATURES, REUSED_SENTENCES, TEXT_REUSE

EXACT = "exact"
NEAR_DUPLICATE = "near_duplicate"
REWRITE = "rewrite"

# Word shingles of 5: long enough that two unrelated news texts share almost none (shared
# stock phrases are 2-4 words), short enough that an edited word only removes 5 shingles.
SHINGLE_WORDS = 5
# 128 permutations: the Jaccard estimate's standard error at 0.5 is sqrt(0.25 / 128) = 0.044,
# fine next to the 0.43-0.54 gap below; more permutations only slow hashing.
NUM_PERM = 128
# Fixed so that two runs build the same permutations, hence the same signatures and pairs.
MINHASH_SEED = 1
# Near duplicates: on the BBC corpus the estimates split with a gap between 0.43 (two
# separately written versions of one story) and 0.54 (one story, the other copy cut short);
# at 0.5 more than half of the union of shingles is shared, i.e. one text is the other with
# edits, a cut or an addition. Spun rewrites score below 0.1.
NEAR_DUP_JACCARD = 0.5
# The LSH index is tuned a little below the verification threshold so that pairs just above
# 0.5 are not lost to banding; each candidate is then checked against NEAR_DUP_JACCARD.
LSH_THRESHOLD = 0.4
# The banding MinHashLSH(threshold=0.4, num_perm=128) chooses (minimising false positives and
# negatives around the threshold): 32 bands of 4 values.
LSH_BANDS, LSH_ROWS = 32, 4

# Universal POS tags that carry content; everything else (auxiliaries, determiners, pronouns,
# particles, punctuation, symbols) is the same in any two English sentences.
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM")
# A sentence needs 4 content lemmas to be aligned or counted: shorter ones ("Read more",
# "Leave a Reply", a byline) match by chance and are boilerplate rather than content.
MIN_SENTENCE_LEMMAS = 4
# Lemmas in more than 100 sentences ("say", "year", "Ukraine" in a corpus about Ukraine) are
# topic words, not evidence of reuse; leaving them out of the index bounds the candidate pairs
# by 100 * postings / 2, linear in corpus size (2.8M raw pairs on the 35k BBC sentences).
# They still count when a candidate pair is scored.
MAX_LEMMA_SENTENCES = 100
# Two shared indexed lemmas: one shared name is topic, two rare words in one sentence pair
# (a name and a number, two names) is where rewrites start; on BBC it cuts the 2.7M sentence
# pairs sharing one indexed lemma to 83k.
MIN_SHARED_RARE_LEMMAS = 2
# Anchors: sentence pairs that are each other's best counterpart at IDF-weighted cosine >= 0.3.
# On the Belarus seed files the unrelated same-topic article's sentences never reach 0.26
# against either other file, while most spun counterparts score 0.3-0.96.
STRONG_SIMILARITY = 0.3
# Between two in-order anchors, a pair at 0.15 is accepted as the counterpart: heavily spun
# sentences of the seed rewrite keep only a name or two and score 0.2-0.26; out of order that
# is chance, between the counterparts of the neighbouring sentences it is not.
WEAK_SIMILARITY = 0.15
# Anchors out of the chain's order count only at 0.5: a moved paragraph keeps its words, while
# a topic match between two articles on the same story (a name, a figure) scores 0.3-0.45.
MOVED_SIMILARITY = 0.5
# Gaps between consecutive chain anchors are filled only up to 3 sentences on each side: a
# rewrite keeps anchors close together; in a wide gap any weak pair would fit.
MAX_FILL_GAP = 3
# Rewrite: at least 60 % of the shorter document's sentences have a counterpart. Articles
# on the same story share a few sentences (a quote, a background line); a spun rewrite keeps
# nearly every sentence (the seed rewrite: over 80 %); 60 % leaves room for sentences spun
# beyond recognition or dropped.
REWRITE_MIN_SHARE = 0.6
# ...and at least 5 such sentences: 3-4 counterparts between two short reports of one event
# (a cup draw, a race) are common on BBC and are reporting, not rewriting. The price: texts
# under 5 sentences are never called rewrites (their copies still show as near duplicates).
REWRITE_MIN_SENTENCES = 5
# ...and a mean score of the aligned pairs of at least 0.4: two reports of one cup draw share
# the fixtures' names and reach the share through weak pairs (mean 0.36); the seed rewrite's
# counterparts average 0.49, updated versions of one BBC story 0.6-0.97.
REWRITE_MIN_SIMILARITY = 0.4
# Work in slices so that memory does not grow with the corpus: the index join takes the
# postings of 250 documents at a time, scoring 50,000 candidate pairs at a time (measured on
# 4 copies of BBC, 8,900 files: a full pass peaked at 1.6 GB in one piece, 1.35 GB in slices
# of 1,000 / 200,000, 1.09 GB in these, for +1.3 s).
INDEX_CHUNK_DOCS = 250
SCORE_CHUNK_PAIRS = 50_000
# IDF^2 weights are stored as integers (x 1e6) so sums are exact and independent of the order
# in which a parallel group-by adds them: identical inputs give bit-identical scores.
WEIGHT_SCALE = 1_000_000

# Odd 64-bit constant (from the golden ratio) mixing word hashes into a shingle hash.
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_NON_WORD = re.compile(r"[\W_]+")
# The MinHash permutations, drawn as datasketch draws them for seed MINHASH_SEED (its own
# implementation is not used: importing it loads scipy and pandas, 0.7 s and 40 MB per run).
_PERMUTATIONS = np.random.RandomState(MINHASH_SEED)
_PERM_A = _PERMUTATIONS.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_PERM_B = _PERMUTATIONS.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
_PAIR_KEYS = ["did_a", "did_b"]


@dataclass(frozen=True)
class ReusePair:
    """One row of `text_reuse`."""

    doc_a: str
    doc_b: str
    kind: str
    similarity: float
    share_a: float
    share_b: float
    n_aligned: int


@dataclass(frozen=True)
class SentencePair:
    """Two sentences, one of each document, and their similarity."""

    a: int
    b: int
    score: float


@dataclass(frozen=True)
class DocAlignment:
    """The aligned sentences (by sent_idx) of two documents, and their sentence counts."""

    doc_a: str
    doc_b: str
    pairs: tuple[SentencePair, ...]
    n_a: int  # sentences with at least MIN_SENTENCE_LEMMAS content lemmas
    n_b: int

    @property
    def covered_a(self) -> int:
        return len({p.a for p in self.pairs})

    @property
    def covered_b(self) -> int:
        return len({p.b for p in self.pairs})

    @property
    def share_a(self) -> float:
        return self.covered_a / self.n_a

    @property
    def share_b(self) -> float:
        return self.covered_b / self.n_b

    @property
    def similarity(self) -> float:
        """Mean score of the aligned pairs (fsum: exact, so independent of order)."""
        return math.fsum(p.score for p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def is_rewrite(self) -> bool:
        """Enough of the shorter document's sentences have a counterpart in the other."""
        if self.n_a == self.n_b:
            covered = max(self.covered_a, self.covered_b)
        else:
            covered = self.covered_a if self.n_a < self.n_b else self.covered_b
        return (
            covered >= REWRITE_MIN_SENTENCES
            and covered / min(self.n_a, self.n_b) >= REWRITE_MIN_SHARE
            and self.similarity >= REWRITE_MIN_SIMILARITY
        )


@dataclass(frozen=True)
class Scored:
    """Scored candidate sentence pairs and what is needed to read them back."""

    rows: pl.DataFrame  # did_a, did_b, sid_a, sid_b, score; sorted
    sent_idx: dict[int, int]  # sid -> sent_idx
    n_sentences: dict[int, int]  # did -> eligible sentences


def find_reuse(documents: pl.DataFrame, tokens: pl.DataFrame) -> tuple[pa.Table, pa.Table]:
    """Every pair of the corpus. documents: doc_id, text (ok documents only). tokens: doc_id,
    sent_idx, tok_idx, lemma, pos, is_stop, is_punct. Returns (text_reuse, reused_sentences)
    with the schemas pipeline.schema.TEXT_REUSE / REUSED_SENTENCES."""
    signatures = sign_documents(documents.with_columns(source=pl.lit("")))
    return detect(signatures, tokens)


def detect(
    signatures: pa.Table, tokens: pl.DataFrame, *, focus: Collection[str] | None = None
) -> tuple[pa.Table, pa.Table]:
    """The pairs with at least one document in `focus` (every pair when None), from the
    signatures (REUSE_SIGNATURES rows) and the tokens of the whole corpus (doc_id, sent_idx,
    lemma, pos, is_stop, is_punct); the lake's pass reads a keyed index instead
    (pipeline.lake.reuse.read_index) and calls `detect_in_lemmas`."""
    lemmas = content_lemmas(signed_ids(signatures), tokens)
    return detect_in_lemmas(signatures, lemmas, focus=focus)


def signed_ids(signatures: pa.Table) -> list[str]:
    """The signatures' doc_ids, sorted: a document's `did` is its index here."""
    return sorted(signatures["doc_id"].to_pylist())


def detect_in_lemmas(
    signatures: pa.Table, lemmas: pl.DataFrame, *, focus: Collection[str] | None = None
) -> tuple[pa.Table, pa.Table]:
    """`detect`, from the sentences' content lemmas (`content_lemmas`) instead of the tokens:
    a caller that builds them itself need not keep the corpus's tokens alive meanwhile."""
    sig = pl.from_arrow(signatures)
    doc_ids = signed_ids(signatures)
    chosen = None if focus is None else frozenset(focus)
    exact = exact_pairs(sig, chosen)
    near = near_duplicate_pairs(sig, chosen, exclude=set(exact))
    copies = copy_alignments(doc_ids, lemmas, exact)
    aligned = sorted((c.doc_a, c.doc_b) for c in copies)
    diagonal = sorted(set(exact) - set(aligned))
    scored = scored_pairs(
        doc_ids, lemmas, forced=sorted(near), diagonal=diagonal, focus=chosen, skip=aligned
    )
    alignments = copies + align_sentences(doc_ids, scored)
    reported = classify(exact, near, alignments)
    return reuse_table(reported), reused_sentences_table(reported, alignments)


def sign_documents(documents: pl.DataFrame) -> pa.Table:
    """REUSE_SIGNATURES rows for documents (doc_id, source, text): the hash of the normalised
    text (exact copies) and the MinHash of its shingles (near duplicates); both null for a
    text with no words."""
    hashes: dict[str, int] = {}
    rows = documents.select("doc_id", "source", "text").rows()
    normalised = [normalise_text(text or "") for _, _, text in rows]
    signature = {
        i: minhash(shingle_hashes(text.split(), hashes)).tobytes()
        for i, text in enumerate(normalised)
        if text
    }
    return pa.table(
        {
            "doc_id": [doc_id for doc_id, _, _ in rows],
            "source": [source for _, source, _ in rows],
            "text_hash": [
                hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None
                for text in normalised
            ],
            "minhash": [signature.get(i) for i in range(len(rows))],
        },
        schema=REUSE_SIGNATURES,
    )


def touches(focus: frozenset[str] | None, doc_a: str, doc_b: str) -> bool:
    """Whether a pair is to be (re)computed: always in a full pass, else if a side changed."""
    return focus is None or doc_a in focus or doc_b in focus


# --- exact -------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Case-folded NFKC text with punctuation and whitespace runs collapsed to one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def exact_pairs(
    signatures: pl.DataFrame, focus: frozenset[str] | None
) -> dict[tuple[str, str], float]:
    """Pairs of documents whose normalised texts are identical, grouped by hash."""
    groups = (
        signatures.filter(pl.col("text_hash").is_not_null())
        .group_by("text_hash")
        .agg(pl.col("doc_id").sort())
        .filter(pl.col("doc_id").list.len() > 1)
    )
    pairs = (pair for group in groups["doc_id"].to_list() for pair in pairs_within(group))
    return dict.fromkeys(sorted(p for p in pairs if touches(focus, *p)), 1.0)


def pairs_within(group: list[str]) -> Iterable[tuple[str, str]]:
    """All ordered pairs (a < b) of one group of sorted ids."""
    for i, doc_a in enumerate(group):
        for doc_b in group[i + 1 :]:
            yield doc_a, doc_b


# --- near duplicates -----------------------------------------------------------------------


def word_hash(word: str) -> int:
    """A stable 64-bit hash of one word (Python's hash() changes between runs)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(words: list[str], hashes: dict[str, int]) -> np.ndarray:
    """Distinct 32-bit hashes of the word SHINGLE_WORDS-grams (of the whole text if shorter).

    Each word is hashed once; a shingle's hash combines its words' hashes, so no shingle
    string is ever built.
    """
    hashes.update((word, word_hash(word)) for word in set(words).difference(hashes))
    values = np.array([hashes[word] for word in words], dtype=np.uint64)
    width = min(SHINGLE_WORDS, len(values))
    combined = np.zeros(len(values) - width + 1, dtype=np.uint64)
    for k in range(width):
        combined = combined * _SHINGLE_MULTIPLIER + values[k : len(values) - width + 1 + k]
    return np.unique((combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF))


def near_duplicate_pairs(
    signatures: pl.DataFrame, focus: frozenset[str] | None, exclude: set[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """Pairs whose estimated shingle Jaccard is at least NEAR_DUP_JACCARD.

    LSH: a pair is a candidate when its signatures agree on all LSH_ROWS values of at least
    one of LSH_BANDS bands (the banding datasketch's MinHashLSH chooses for LSH_THRESHOLD),
    found by a join on (band, values); then the estimate is checked.
    """
    signed = signatures.filter(pl.col("minhash").is_not_null()).sort("doc_id")
    ids = signed["doc_id"].to_list()
    matrix = np.frombuffer(b"".join(signed["minhash"].to_list()), dtype=np.uint32)
    matrix = matrix.reshape(len(ids), NUM_PERM)
    candidates = band_candidates(matrix, [focus is None or doc_id in focus for doc_id in ids])
    a, b = candidates[:, 0], candidates[:, 1]
    jaccard = (matrix[a] == matrix[b]).mean(axis=1) if len(a) else np.zeros(0)
    found = {
        (ids[i], ids[j]): float(score)
        for i, j, score in zip(a.tolist(), b.tolist(), jaccard.tolist(), strict=True)
        if score >= NEAR_DUP_JACCARD and (ids[i], ids[j]) not in exclude
    }
    return dict(sorted(found.items()))


def band_candidates(matrix: np.ndarray, chosen: list[bool]) -> np.ndarray:
    """Row-index pairs (i < j), one side chosen, equal on every value of at least one band."""
    bands = matrix[:, : LSH_BANDS * LSH_ROWS].reshape(len(matrix), LSH_BANDS, LSH_ROWS)
    keys = pl.DataFrame(
        {
            "row": np.repeat(np.arange(len(matrix), dtype=np.int64), LSH_BANDS),
            "band": np.tile(np.arange(LSH_BANDS, dtype=np.int16), len(matrix)),
            **{f"v{k}": bands[:, :, k].ravel() for k in range(LSH_ROWS)},
        }
    ).with_columns(chosen=pl.Series(np.repeat(np.array(chosen, dtype=bool), LSH_BANDS)))
    on = ["band", *(f"v{k}" for k in range(LSH_ROWS))]
    pairs = (
        keys.filter("chosen")
        .join(keys, on=on, suffix="_o")
        # a pair of two chosen rows is met from both sides: keep it once, from the lower row
        .filter(
            (pl.col("row") != pl.col("row_o"))
            & ~(pl.col("chosen_o") & (pl.col("row_o") < pl.col("row")))
        )
        .select(i=pl.min_horizontal("row", "row_o"), j=pl.max_horizontal("row", "row_o"))
        .unique()
        .sort("i", "j")
    )
    return pairs.to_numpy().reshape(-1, 2)


def minhash(shingles: np.ndarray) -> np.ndarray:
    """The NUM_PERM minima of a set of 32-bit shingle hashes (uint32), as datasketch 2.0's
    default scheme computes them: each hash pre-mixed by the MurmurHash3 finalizer, then
    mapped by h -> a*h + b mod 2^32 (odd a: a bijection) for each permutation."""
    mixed = _fmix32(shingles.astype(np.uint32))[:, np.newaxis]
    return (mixed * _PERM_A + _PERM_B).min(axis=0)


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


# --- rewrites: sentence alignment ----------------------------------------------------------


def content_lemmas(doc_ids: list[str], tokens: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct content lemma of each eligible sentence, from tokens (doc_id,
    sent_idx, lemma, pos, is_stop, is_punct): see `index_lemmas` for the columns."""
    dids = pl.DataFrame(
        {"doc_id": doc_ids, "did": list(range(len(doc_ids)))},
        schema={"doc_id": pl.String, "did": pl.Int32},
    )
    content = (
        tokens.lazy()
        .join(dids.lazy(), on="doc_id")
        .filter(~pl.col("is_stop") & ~pl.col("is_punct") & pl.col("pos").is_in(list(CONTENT_POS)))
        .select("did", "sent_idx", lemma_key=pl.col("lemma"))
    )
    names = content.select("lemma_key").unique().with_columns(lemma="lemma_key").collect()
    return index_lemmas(content, names)


def index_lemmas(content: pl.LazyFrame, names: pl.DataFrame) -> pl.DataFrame:
    """The index: one row per distinct content lemma of each eligible sentence (at least
    MIN_SENTENCE_LEMMAS of them), from content tokens (did, sent_idx, lemma_key) and the lemma
    each key names (lemma_key, lemma). A key is the lemma itself or a number for it, so the
    corpus's lemma strings need not be in memory row by row; lemmas are normalised (stripped,
    lower case, at least one word character) once per distinct lemma.

    Columns: did (index of doc_id in the sorted ids), sent_idx, sid (sentence number over the
    corpus), lid (lemma id), df (eligible sentences with the lemma), w (quantised IDF^2 weight).
    """
    normal = names.lazy().with_columns(lemma=pl.col("lemma").str.strip_chars().str.to_lowercase())
    normal = normal.filter(pl.col("lemma").str.contains(r"\w"))
    lids = normal.select("lemma").unique().with_columns(lid=pl.col("lemma").rank("dense"))
    keys = normal.join(lids, on="lemma").select("lemma_key", pl.col("lid").cast(pl.Int64))
    lemmas = (
        content.join(keys, on="lemma_key")
        .select(pl.col("did").cast(pl.Int32), pl.col("sent_idx").cast(pl.Int32), "lid")
        .unique()
        .collect()
    )
    sentences = (
        lemmas.group_by("did", "sent_idx")
        .len()
        .filter(pl.col("len") >= MIN_SENTENCE_LEMMAS)
        .sort("did", "sent_idx")
        .with_row_index("sid")
        .select(pl.col("sid").cast(pl.Int64), "did", "sent_idx")
    )
    lemmas = lemmas.join(sentences, on=["did", "sent_idx"])
    return lemmas.join(idf_weights(lemmas, sentences.height), on="lid")


def idf_weights(lemmas: pl.DataFrame, n_sentences: int) -> pl.DataFrame:
    """lid, df (sentences containing the lemma), w = round(idf^2 * WEIGHT_SCALE)."""
    idf = ((n_sentences + 1) / (pl.col("df") + 1)).log()
    return (
        lemmas.group_by("lid")
        .agg(df=pl.len())
        .with_columns(w=(idf * idf * WEIGHT_SCALE).round().cast(pl.Int64))
    )


def indexed_candidates(lemmas: pl.DataFrame, focus: list[int] | None = None) -> pl.DataFrame:
    """Sentence pairs of different documents sharing enough lemmas that are not too common;
    only pairs with a document in `focus` (dids) when given.

    The inverted index is a join on lemma of the postings of indexed lemmas: those of
    INDEX_CHUNK_DOCS focus documents at a time with all, so the join's size does not grow with
    the corpus. A pair is counted from one side only (its lower did when both are in focus),
    so all its shared lemmas meet in one chunk; a pair of sentence ids is packed into one
    integer key so counting them is one group-by.
    """
    n = int(lemmas["sid"].max() or 0) + 1
    index = lemmas.filter(pl.col("df") <= MAX_LEMMA_SENTENCES).select("lid", "did", "sid")
    chosen = sorted(set(index["did"].to_list()) if focus is None else focus)
    other_chosen = pl.lit(True) if focus is None else pl.col("did_o").is_in(chosen)
    lower = pl.col("did") < pl.col("did_o")
    parts = [pl.DataFrame(schema={"sid_a": pl.Int64, "sid_b": pl.Int64})]
    for start in range(0, len(chosen), INDEX_CHUNK_DOCS):
        chunk = chosen[start : start + INDEX_CHUNK_DOCS]
        joined = (
            index.filter(pl.col("did").is_in(chunk))
            .join(index, on="lid", suffix="_o")
            .filter((pl.col("did") != pl.col("did_o")) & ~(other_chosen & ~lower))
            .select(
                sid=pl.when(lower).then("sid").otherwise("sid_o"),
                sid_b=pl.when(lower).then("sid_o").otherwise("sid"),
            )
        )
        parts.append(
            joined.group_by(key=pl.col("sid") * n + pl.col("sid_b"))
            .agg(shared=pl.len())
            .filter(pl.col("shared") >= MIN_SHARED_RARE_LEMMAS)
            .select(sid_a=pl.col("key") // n, sid_b=pl.col("key") % n)
        )
    return pl.concat(parts)


def forced_candidates(
    doc_ids: list[str],
    lemmas: pl.DataFrame,
    forced: list[tuple[str, str]],
    diagonal: list[tuple[str, str]] = (),
) -> pl.DataFrame:
    """All sentence pairs of the `forced` document pairs (near duplicates), and the same-index
    sentence pairs of the `diagonal` ones (exact copies: identical text, identical sentences;
    all pairs there would cost the square of their length for nothing, times the square of a
    cluster of copies)."""
    sentences = lemmas.select("did", "sid", "sent_idx").unique()
    full = _doc_pairs(doc_ids, forced).join(sentences, left_on="did_a", right_on="did")
    full = full.join(sentences, left_on="did_b", right_on="did", suffix="_b")
    same = _doc_pairs(doc_ids, list(diagonal)).join(sentences, left_on="did_a", right_on="did")
    same = same.join(
        sentences, left_on=["did_b", "sent_idx"], right_on=["did", "sent_idx"], suffix="_b"
    )
    return pl.concat(
        [full.select(sid_a="sid", sid_b="sid_b"), same.select(sid_a="sid", sid_b="sid_b")]
    )


def _doc_pairs(doc_ids: list[str], pairs: list[tuple[str, str]]) -> pl.DataFrame:
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    return pl.DataFrame(
        {
            "did_a": [position[a] for a, _ in pairs],
            "did_b": [position[b] for _, b in pairs],
        },
        schema={"did_a": pl.Int32, "did_b": pl.Int32},
    )


def score_candidates(lemmas: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """did_a, did_b, sid_a, sid_b, score: IDF-weighted cosine of the two lemma sets."""
    weights = lemmas.select("sid", "lid", "w")
    norms = lemmas.group_by("sid").agg(did=pl.col("did").first(), norm=pl.col("w").sum())
    dots = (
        candidates.join(weights, left_on="sid_a", right_on="sid")
        .join(weights, left_on=["sid_b", "lid"], right_on=["sid", "lid"], suffix="_b")
        .group_by("sid_a", "sid_b")
        .agg(dot=pl.col("w").sum())
    )
    return (
        dots.join(norms, left_on="sid_a", right_on="sid")
        .join(norms, left_on="sid_b", right_on="sid", suffix="_b")
        .select(
            did_a="did",
            did_b="did_b",
            sid_a="sid_a",
            sid_b="sid_b",
            score=pl.col("dot")
            / (pl.col("norm").cast(pl.Float64).sqrt() * pl.col("norm_b").cast(pl.Float64).sqrt()),
        )
    )


def scored_pairs(
    doc_ids: list[str],
    lemmas: pl.DataFrame,
    forced: list[tuple[str, str]],
    diagonal: list[tuple[str, str]] = (),
    focus: frozenset[str] | None = None,
    skip: list[tuple[str, str]] = (),
) -> Scored:
    """Candidate sentence pairs scored at least WEAK_SIMILARITY, with sentence counts; none
    of the document pairs in `skip` (already aligned)."""
    dids = None if focus is None else [i for i, d in enumerate(doc_ids) if d in focus]
    candidates = pl.concat(
        [indexed_candidates(lemmas, dids), forced_candidates(doc_ids, lemmas, forced, diagonal)]
    ).unique()
    scored = pl.concat(
        [
            score_candidates(lemmas, candidates.slice(start, SCORE_CHUNK_PAIRS)).filter(
                pl.col("score") >= WEAK_SIMILARITY
            )
            for start in range(0, max(candidates.height, 1), SCORE_CHUNK_PAIRS)
        ]
    ).join(_doc_pairs(doc_ids, list(skip)), on=_PAIR_KEYS, how="anti")
    anchored = scored.filter(pl.col("score") >= STRONG_SIMILARITY).select(_PAIR_KEYS).unique()
    rows = scored.join(anchored, on=_PAIR_KEYS, how="semi").sort("did_a", "did_b", "sid_a", "sid_b")
    sentences = lemmas.select("did", "sid", "sent_idx").unique()
    counts = sentences.group_by("did").len()
    return Scored(
        rows=rows,
        sent_idx=dict(
            zip(sentences["sid"].to_list(), sentences["sent_idx"].to_list(), strict=True)
        ),
        n_sentences=dict(zip(counts["did"].to_list(), counts["len"].to_list(), strict=True)),
    )


def align_sentences(doc_ids: list[str], scored: Scored) -> list[DocAlignment]:
    """The aligned sentences of every document pair of the scored candidates that has at
    least one anchor."""
    rows = scored.rows.iter_rows()
    alignments: list[DocAlignment] = []
    for (did_a, did_b), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        pairs = [SentencePair(a=row[2], b=row[3], score=row[4]) for row in group]
        aligned = align_pair(pairs)
        alignments.append(
            DocAlignment(
                doc_a=doc_ids[did_a],
                doc_b=doc_ids[did_b],
                pairs=tuple(
                    SentencePair(scored.sent_idx[p.a], scored.sent_idx[p.b], p.score)
                    for p in aligned
                ),
                n_a=scored.n_sentences[did_a],
                n_b=scored.n_sentences[did_b],
            )
        )
    return alignments


def copy_alignments(
    doc_ids: list[str], lemmas: pl.DataFrame, exact: Iterable[tuple[str, str]]
) -> list[DocAlignment]:
    """Exact copies whose eligible sentences hold the same lemma sets in the same order are
    aligned sentence by sentence at 1.0 without scoring (what scoring and aligning would find;
    in a corpus of many copies it is most of the work). Copies parsed differently (e.g. one
    in capitals) are left to the scored diagonal."""
    exact = list(exact)
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    involved = sorted({position[doc_id] for pair in exact for doc_id in pair})
    hashed = (
        lemmas.filter(pl.col("did").is_in(involved))
        .group_by("did", "sent_idx")
        .agg(pl.col("lid").sort())
        .sort("did", "sent_idx")
        .with_columns(h=pl.col("lid").hash())
    )
    sequences: dict[int, list[tuple[int, int]]] = {}
    for did, sent_idx, h in hashed.select("did", "sent_idx", "h").iter_rows():
        sequences.setdefault(did, []).append((sent_idx, h))
    alignments = []
    for doc_a, doc_b in exact:
        seq_a = sequences.get(position[doc_a], [])
        if seq_a and seq_a == sequences.get(position[doc_b]):
            pairs = tuple(SentencePair(sent, sent, 1.0) for sent, _ in seq_a)
            alignments.append(DocAlignment(doc_a, doc_b, pairs, len(seq_a), len(seq_a)))
    return alignments


def align_pair(pairs: list[SentencePair]) -> list[SentencePair]:
    """The in-order chain of anchors, anchors moved elsewhere, and the gaps between anchors."""
    anchors = mutual_best([p for p in pairs if p.score >= STRONG_SIMILARITY])
    chain = heaviest_chain(anchors)
    moved = {p for p in anchors if p.score >= MOVED_SIMILARITY}
    aligned = set(chain) | moved
    by_key = {(p.a, p.b): p for p in pairs}
    for left, right in itertools.pairwise(chain):
        aligned |= fill_gap(pairs, by_key, left, right, aligned)
    return sorted(aligned, key=lambda p: (p.a, p.b))


def best_by_side(pairs: Iterable[SentencePair], side: str) -> dict[int, SentencePair]:
    """For each sentence of one side ("a" or "b"), its highest-scoring pair (first on ties)."""
    best: dict[int, SentencePair] = {}
    for pair in pairs:
        key = pair.a if side == "a" else pair.b
        if key not in best or pair.score > best[key].score:
            best[key] = pair
    return best


def mutual_best(pairs: list[SentencePair]) -> list[SentencePair]:
    """Pairs in which each sentence is the other's best counterpart."""
    best_b = best_by_side(pairs, "b")
    return [p for p in best_by_side(pairs, "a").values() if best_b[p.b] == p]


def heaviest_chain(anchors: list[SentencePair]) -> list[SentencePair]:
    """The anchors, increasing in both documents, with the largest total score."""
    ordered = sorted(anchors, key=lambda p: (p.a, p.b))
    totals: list[float] = []
    previous: list[int] = []
    for k, pair in enumerate(ordered):
        best_m, best_total = -1, 0.0
        for m in range(k):
            if ordered[m].a < pair.a and ordered[m].b < pair.b and totals[m] > best_total:
                best_m, best_total = m, totals[m]
        totals.append(best_total + pair.score)
        previous.append(best_m)
    chain: list[SentencePair] = []
    end = max(range(len(ordered)), key=lambda k: (totals[k], -k), default=-1)
    while end >= 0:
        chain.append(ordered[end])
        end = previous[end]
    return chain[::-1]


def fill_gap(
    pairs: list[SentencePair],
    by_key: dict[tuple[int, int], SentencePair],
    left: SentencePair,
    right: SentencePair,
    aligned: set[SentencePair],
) -> set[SentencePair]:
    """Counterparts for the unaligned sentences between two consecutive chain anchors.

    A rewrite keeps the order of its source, so between the counterparts of sentences 4 and 7
    lie those of 5 and 6, even when spinning left them only a name or two (WEAK_SIMILARITY).
    Inside the gap sentences pair one-to-one, best first; a sentence left over next to an
    anchor may share that anchor's counterpart (a sentence split in two, or two merged).
    Gaps wider than MAX_FILL_GAP are left alone: there the order says little.
    """
    if right.a - left.a - 1 > MAX_FILL_GAP or right.b - left.b - 1 > MAX_FILL_GAP:
        return set()
    used_a = {p.a for p in aligned}
    used_b = {p.b for p in aligned}
    inside = [p for p in pairs if left.a < p.a < right.a and left.b < p.b < right.b]
    beside = [
        by_key.get(key)
        for key in (
            (left.a + 1, left.b),
            (right.a - 1, right.b),
            (left.a, left.b + 1),
            (right.a, right.b - 1),
        )
    ]
    filled: set[SentencePair] = set()
    for pair in sorted(inside, key=_best_first):
        if pair.a not in used_a and pair.b not in used_b:
            filled.add(pair)
            used_a.add(pair.a)
            used_b.add(pair.b)
    for pair in sorted((p for p in beside if p is not None), key=_best_first):
        if pair.a not in used_a or pair.b not in used_b:
            filled.add(pair)
            used_a.add(pair.a)
            used_b.add(pair.b)
    return filled


def _best_first(pair: SentencePair) -> tuple[float, int, int]:
    """Sort key: highest score first, then document order."""
    return -pair.score, pair.a, pair.b


# --- output ----------------------------------------------------------------------------------


def classify(
    exact: dict[tuple[str, str], float],
    near: dict[tuple[str, str], float],
    alignments: list[DocAlignment],
) -> list[ReusePair]:
    """One row per reported pair, as its strongest kind, sorted by (doc_a, doc_b)."""
    by_pair = {(al.doc_a, al.doc_b): al for al in alignments}
    rows: list[ReusePair] = []
    for pair in sorted(set(exact) | set(near) | set(by_pair)):
        alignment = by_pair.get(pair)
        if pair in exact:
            rows.append(reuse_row(pair, EXACT, 1.0, alignment))
        elif pair in near:
            rows.append(reuse_row(pair, NEAR_DUPLICATE, near[pair], alignment))
        elif alignment is not None and alignment.is_rewrite():
            rows.append(reuse_row(pair, REWRITE, alignment.similarity, alignment))
    return rows


def reuse_row(
    pair: tuple[str, str], kind: str, similarity: float, alignment: DocAlignment | None
) -> ReusePair:
    """A `text_reuse` row; shares are 0 when no sentence could be aligned."""
    return ReusePair(
        doc_a=pair[0],
        doc_b=pair[1],
        kind=kind,
        similarity=round(similarity, 6),
        share_a=round(alignment.share_a, 6) if alignment else 0.0,
        share_b=round(alignment.share_b, 6) if alignment else 0.0,
        n_aligned=len(alignment.pairs) if alignment else 0,
    )


def reuse_table(rows: list[ReusePair]) -> pa.Table:
    """The `text_reuse` table."""
    return pa.Table.from_pylist([vars(row) for row in rows], schema=TEXT_REUSE)


def reused_sentences_table(rows: list[ReusePair], alignments: list[DocAlignment]) -> pa.Table:
    """The aligned sentences of the reported pairs (REUSED_SENTENCES rows), sorted by (doc_a,
    doc_b, sent_a, sent_b). Built column by column: one object per row took 3.7 s for the
    283,000 rows of 4 copies of the BBC corpus."""
    reported = {(row.doc_a, row.doc_b) for row in rows}
    kept = [al for al in alignments if (al.doc_a, al.doc_b) in reported]
    columns = {
        "doc_a": [al.doc_a for al in kept for _ in al.pairs],
        "sent_a": [p.a for al in kept for p in al.pairs],
        "doc_b": [al.doc_b for al in kept for _ in al.pairs],
        "sent_b": [p.b for al in kept for p in al.pairs],
        "score": [round(p.score, 6) for al in kept for p in al.pairs],
    }
    table = pa.table(columns, schema=REUSED_SENTENCES)
    return table.sort_by([(key, "ascending") for key in ("doc_a", "doc_b", "sent_a", "sent_b")])


# --- incremental passes --------------------------------------------------------------------


def changed_documents(current: dict[str, str], stored: dict[str, str]) -> frozenset[str]:
    """Documents (doc_id -> source) that are new or whose source moved since the last pass."""
    return frozenset(doc_id for doc_id, source in current.items() if stored.get(doc_id) != source)

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
from collections.abc import Collection

import polars as pl
import pyarrow as pa

from pipeline.schema import REUSE_SIGNATURES
from pipeline.stages.reuse.align import align_sentences, copy_alignments
from pipeline.stages.reuse.exact import exact_pairs, normalise_text
from pipeline.stages.reuse.index import scored_pairs
from pipeline.stages.reuse.minhash import minhash, near_duplicate_pairs, shingle_hashes
from pipeline.stages.reuse.pairs import classify, reuse_table, reused_sentences_table


def detect(
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


def signed_ids(signatures: pa.Table) -> list[str]:
    """The signatures' doc_ids, sorted: a document's `did` is its index here."""
    return sorted(signatures["doc_id"].to_pylist())


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


def changed_documents(current: dict[str, str], stored: dict[str, str]) -> frozenset[str]:
    """Documents (doc_id -> source) that are new or whose source moved since the last pass."""
    return frozenset(doc_id for doc_id, source in current.items() if stored.get(doc_id) != source)

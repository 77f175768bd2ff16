"""Text reuse between documents: what was copied, where, and who copied whom.

Documents are compared as *texts*: copies of one file are one text, compared once (a text is
keyed by a hash of its code version and its cleaned text, `text_key`). Two texts are a pair
of one kind, the strongest that applies (pairs.py): `exact`, `near_duplicate`, `rewrite` or
`partial`. The evidence, for candidate pairs only (the lake joins postings to find them):

- exact copies share the hash of their normalised text (exact.py);
- near duplicates share an LSH band of their MinHash signatures, and the estimate of their
  5-word-shingle Jaccard is at least 0.5 (minhash.py);
- passages (passages.py): word 3-grams of lemmas both texts hold are seeds, chained as passim
  chains them into passages that survive merged, split, cut and reordered sentences;
- sentence alignment (align.py): each sentence of the shorter text against every sentence of
  the longer and every two in a row, by IDF-weighted cosine over content lemmas, for spins
  that keep a sentence's names and rare words but few of its word sequences.

compare.py turns both into the share of each text they cover; pairs.py decides the kind and
builds the rows; clusters.py groups documents linked by reuse into stories.
"""

import hashlib

import pyarrow as pa

from pipeline.schema import REUSE_SIGNATURES
from pipeline.stages.reuse.exact import normalise_text, text_hash
from pipeline.stages.reuse.minhash import minhash, shingle_hashes


def text_key(code_version: str, text: str) -> int:
    """A text's key: a 64-bit blake2b of the code version that made its rows and the text
    (stable across processes and versions of everything but this function)."""
    digest = hashlib.blake2b(f"{code_version}\0{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def sign_texts(rows: list[tuple[int, str, str]]) -> pa.Table:
    """REUSE_SIGNATURES rows for texts given as (text_key, doc_id, text): the hash of the
    normalised text (exact copies) and the MinHash of its shingles (near duplicates); both
    null for a text with no words."""
    hashes: dict[str, int] = {}
    normalised = [normalise_text(text or "") for _, _, text in rows]
    return pa.table(
        {
            "text_key": [key for key, _, _ in rows],
            "doc_id": [doc_id for _, doc_id, _ in rows],
            "text_hash": [text_hash(text) for text in normalised],
            "minhash": [
                minhash(shingle_hashes(text.split(), hashes)).tobytes() if text else None
                for text in normalised
            ],
            "n_chars": [len(text or "") for _, _, text in rows],
        },
        schema=REUSE_SIGNATURES,
    )

"""The text reuse tables: what users query, and what the pass keeps to compare only what
changed."""

import pyarrow as pa

from pipeline.schema.columns import DOC_ID, column

# The text reuse tables (pipeline/lake/reuse.py). `doc_a < doc_b` in every row naming two
# documents; offsets are characters into `documents.text`.
TEXT_REUSE = pa.schema(
    [
        column("doc_a", pa.string(), "one document of the pair (doc_a < doc_b)"),
        column("doc_b", pa.string(), "the other document"),
        column("kind", pa.string(), "exact, near_duplicate, rewrite or partial"),
        # 1.0 = copied; ~0.5 = heavily spun (see stages/reuse)
        column("similarity", pa.float64(), "how alike the two texts are, 0 to 1"),
        column("share_a", pa.float64(), "share of doc_a's words in passages shared with doc_b"),
        column("share_b", pa.float64(), "share of doc_b's words in passages shared with doc_a"),
        column("n_passages", pa.int32(), "its rows in reused_passages"),
        column("source", pa.string(), "doc_a or doc_b, the likely original; null on a tie"),
        column("source_by", pa.string(), "what decided it: published_date, first_seen or tie"),
    ]
)

# One row per passage two documents share: a run of shared words (`ngram`) or a sentence
# aligned with one or two sentences of the other (`sentence`, a spun one).
REUSED_PASSAGES = pa.schema(
    [
        column("doc_a", pa.string(), "the pair's first document"),
        column("start_a", pa.int32(), "where the passage starts in doc_a's text"),
        column("end_a", pa.int32(), "where it ends in doc_a's text"),
        column("doc_b", pa.string(), "the pair's second document"),
        column("start_b", pa.int32(), "where its counterpart starts in doc_b's text"),
        column("end_b", pa.int32(), "where it ends in doc_b's text"),
        # passage: words shared / words spanned; sentence: cosine
        column("score", pa.float64(), "how alike the two sides are, 0 to 1"),
        column("method", pa.string(), "ngram (shared words) or sentence (a spun sentence)"),
    ]
)

# One row per document that shares text with another: its story, named after the story's
# earliest member (by first seen), which stays its name as the corpus grows.
REUSE_CLUSTERS = pa.schema(
    [
        DOC_ID,
        column("cluster_id", pa.string(), "the story: its earliest member's doc_id"),
    ]
)

# What the reuse pass keeps to compare only what changed. A *text* is a distinct cleaned and
# annotated text (`text_key`: a 64-bit blake2b of the code version and the text): copies of
# one file share it, so 4 copies of a corpus cost what one does.
# One row per `ok` document: what it was compared from (content hash, code versions).
REUSE_DOCUMENTS = pa.schema(
    [("doc_id", pa.string()), ("source", pa.string()), ("text_key", pa.uint64())]
)

# One row per text: its signatures and its words (tokens that are not punctuation or space),
# as parallel lists: the lemma 3-gram starting at each word (0: none), offsets, sentence, stop.
REUSE_TEXTS = pa.schema(
    [
        ("text_key", pa.uint64()),
        ("text_hash", pa.string()),  # sha256 of the normalised text; null when it has no words
        ("minhash", pa.binary()),  # NUM_PERM uint32 values, little-endian; null likewise
        ("n_chars", pa.int32()),
        ("n_sentences", pa.int32()),  # sentences with enough content lemmas to be compared
        ("grams", pa.list_(pa.uint64())),
        ("starts", pa.list_(pa.int32())),
        ("ends", pa.list_(pa.int32())),
        ("sents", pa.list_(pa.int32())),
        ("stops", pa.list_(pa.bool_())),
    ]
)

# A new text's signature, as the pass computes it in Python before the lake adds its words.
REUSE_SIGNATURES = pa.schema(
    [
        ("text_key", pa.uint64()),
        ("doc_id", pa.string()),  # one document with the text: where its tokens are read
        ("text_hash", pa.string()),
        ("minhash", pa.binary()),
        ("n_chars", pa.int32()),
    ]
)

# Postings, joined by the lake to find candidate pairs for the texts of a pass only.
REUSE_BANDS = pa.schema(
    [("text_key", pa.uint64()), ("band", pa.int16()), ("band_key", pa.uint64())]
)
REUSE_GRAMS = pa.schema([("text_key", pa.uint64()), ("gram", pa.uint64())])
REUSE_LEMMAS = pa.schema(
    [("text_key", pa.uint64()), ("sent_idx", pa.int32()), ("lemma", pa.uint64())]
)

# Reported pairs of texts (text_a < text_b) and their passages: the documents' rows in
# text_reuse and reused_passages are these, for every document holding each text.
REUSE_TEXT_PAIRS = pa.schema(
    [
        ("text_a", pa.uint64()),
        ("text_b", pa.uint64()),
        ("kind", pa.string()),
        ("similarity", pa.float64()),
        ("share_a", pa.float64()),
        ("share_b", pa.float64()),
        ("n_passages", pa.int32()),
    ]
)
REUSE_TEXT_PASSAGES = pa.schema(
    [
        ("text_a", pa.uint64()),
        ("start_a", pa.int32()),
        ("end_a", pa.int32()),
        ("text_b", pa.uint64()),
        ("start_b", pa.int32()),
        ("end_b", pa.int32()),
        ("score", pa.float64()),
        ("method", pa.string()),
    ]
)

REUSE_TABLES: dict[str, pa.Schema] = {
    "text_reuse": TEXT_REUSE,
    "reused_passages": REUSED_PASSAGES,
    "reuse_clusters": REUSE_CLUSTERS,
    "reuse_documents": REUSE_DOCUMENTS,
    "reuse_texts": REUSE_TEXTS,
    "reuse_bands": REUSE_BANDS,
    "reuse_grams": REUSE_GRAMS,
    "reuse_lemmas": REUSE_LEMMAS,
    "reuse_text_pairs": REUSE_TEXT_PAIRS,
    "reuse_text_passages": REUSE_TEXT_PASSAGES,
}

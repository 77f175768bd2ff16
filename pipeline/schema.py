"""The tables of the lake, declared once as Arrow schemas.

Every per-document table carries `doc_id` (the file's path relative to the seeds folder, with
forward slashes), so a file's rows can be replaced or deleted in every table at once.

- `files`: one row per file seen in the folder: its stat, content hash, status and the code
  version that produced its rows. The state the incremental runs compare against.
- `documents`: one row per file: metadata, the cleaned text, `ok` or `rejected` with a reason.
  `published_date` comes from the scraper's date marker, the HTML page's metadata or an
  explicit date in the text, as `date_source` says (pipeline/stages/dates.py); null: undated.
- `removed_lines`: one row per line (or trailing fragment) that cleaning removed, with the rule.
- `sentences`, `tokens`, `entities`: the spaCy annotation of `ok` English documents.
  `tok_idx` and `head_idx` count tokens from the start of the document; `start_char`/`end_char`
  are offsets into `documents.text`.
- `batches`: one row per committed batch, so a batch delivered twice is committed once.
- `derived_state`: what each derived step was last computed from.
"""

import pyarrow as pa

FILES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("shard", pa.int16()),
        ("n_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("content_sha256", pa.string()),
        ("status", pa.string()),
        ("code_version", pa.string()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("processed_at", pa.timestamp("us", tz="UTC")),
        # why the run processed it: new, changed, code_version, forced, retry, or common_lines
        # (re-cleaned because a line it holds became, or stopped being, corpus boilerplate)
        ("reason", pa.string()),
    ]
)

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("shard", pa.int16()),
        ("content_sha256", pa.string()),
        ("n_bytes", pa.int64()),
        ("format", pa.string()),
        ("encoding", pa.string()),
        ("title", pa.string()),
        ("published_date", pa.date32()),
        ("date_source", pa.string()),  # marker | html | text; null when undated
        ("source_url", pa.string()),
        ("language", pa.string()),
        ("n_chars_raw", pa.int64()),
        ("n_chars_clean", pa.int64()),
        ("text", pa.string()),
        ("status", pa.string()),
        ("reject_reason", pa.string()),
    ]
)

REMOVED_LINES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("line_no", pa.int32()),
        ("text", pa.string()),
        ("rule", pa.string()),
    ]
)

SENTENCES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_idx", pa.int32()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("text", pa.string()),
    ]
)

TOKENS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_idx", pa.int32()),
        ("tok_idx", pa.int32()),
        ("text", pa.string()),
        ("lemma", pa.string()),
        ("pos", pa.string()),
        ("tag", pa.string()),
        ("dep", pa.string()),
        ("head_idx", pa.int32()),
        ("ent_type", pa.string()),
        ("is_stop", pa.bool_()),
        ("is_punct", pa.bool_()),
        ("start_char", pa.int32()),
    ]
)

ENTITIES = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sent_idx", pa.int32()),
        ("text", pa.string()),
        ("label", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("norm", pa.string()),
        # the document's own long form of a PERSON name ("Putin" after "Vladimir Putin"), else
        # norm; see pipeline/stages/names.py
        ("canonical", pa.string()),
        # a one-word PERSON name its document does not explain: the corpus may map it
        ("alias_candidate", pa.bool_()),
    ]
)

# One row per document and distinct short line of its text before cleaning (pipeline/stages/
# cleaning/common.py): `key` is the line's hash, `grp` the document's group (copies of one
# story share it). What `line_counts` is counted from.
DOCUMENT_LINES = pa.schema([("doc_id", pa.string()), ("grp", pa.int64()), ("key", pa.int64())])

# One row per short line key found in the corpus: `documents` is the number of groups of
# documents (copies counted once) that hold it. A key held by `common_min_groups` or more is
# corpus-level boilerplate (rule `common_line`). Kept in step in each batch's transaction.
LINE_COUNTS = pa.schema([("key", pa.int64()), ("documents", pa.int64())])

# One row per line key the lake's documents were cleaned as boilerplate with: the common set
# of the last run that finished (a run plans with it, and re-cleans what moved from it).
COMMON_LINES = pa.schema([("key", pa.int64())])

BATCHES = pa.schema(
    [
        ("batch_id", pa.string()),
        ("n_docs", pa.int32()),
        ("committed_at", pa.timestamp("us", tz="UTC")),
    ]
)

# One row per cleaning rule: why the lines it removes are not article body. `removed_lines.rule`
# joins to `rule`; the table is rewritten whenever the rules' code says something else.
CLEANING_RULES = pa.schema([("rule", pa.string()), ("reason", pa.string())])

# One row per derived step (aggregates, text reuse): the state of `files` it was computed from,
# so a run in which no file changed skips recomputing it.
DERIVED_STATE = pa.schema(
    [
        ("name", pa.string()),
        ("fingerprint", pa.string()),
        ("updated_at", pa.timestamp("us", tz="UTC")),
    ]
)

# Per-document tables, in the order a batch writes them; `files` is written last.
DOCUMENT_TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "removed_lines": REMOVED_LINES,
    "sentences": SENTENCES,
    "tokens": TOKENS,
    "entities": ENTITIES,
    "document_lines": DOCUMENT_LINES,
}

BASE_TABLES: dict[str, pa.Schema] = {
    **DOCUMENT_TABLES,
    "files": FILES,
    "batches": BATCHES,
    "derived_state": DERIVED_STATE,
    "cleaning_rules": CLEANING_RULES,
    "line_counts": LINE_COUNTS,
    "common_lines": COMMON_LINES,
}

# The text reuse tables (pipeline/lake/reuse.py). `doc_a < doc_b` in every row naming two
# documents; offsets are characters into `documents.text`.
TEXT_REUSE = pa.schema(
    [
        ("doc_a", pa.string()),
        ("doc_b", pa.string()),
        ("kind", pa.string()),  # exact | near_duplicate | rewrite | partial
        ("similarity", pa.float64()),  # 1.0 = copied; ~0.5 = heavily spun (see stages/reuse)
        ("share_a", pa.float64()),  # share of doc_a's words in a passage shared with doc_b
        ("share_b", pa.float64()),
        ("n_passages", pa.int32()),  # its rows in reused_passages
        ("source", pa.string()),  # doc_a or doc_b, the likely original; null on a tie
        ("source_by", pa.string()),  # published_date | first_seen | tie
    ]
)

# One row per passage two documents share: a run of shared words (`ngram`) or a sentence
# aligned with one or two sentences of the other (`sentence`, a spun one).
REUSED_PASSAGES = pa.schema(
    [
        ("doc_a", pa.string()),
        ("start_a", pa.int32()),
        ("end_a", pa.int32()),
        ("doc_b", pa.string()),
        ("start_b", pa.int32()),
        ("end_b", pa.int32()),
        ("score", pa.float64()),  # passage: words shared / words spanned; sentence: cosine
        ("method", pa.string()),  # ngram | sentence
    ]
)

# One row per document that shares text with another: its story, named after the story's
# earliest member (by first seen), which stays its name as the corpus grows.
REUSE_CLUSTERS = pa.schema([("doc_id", pa.string()), ("cluster_id", pa.string())])

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

# The aggregates, kept by difference (pipeline/lake/aggregates.py): one row per key with its
# totals over every `ok` document; a key no document holds has no row. The views over them
# (sql/views/) merge entity names through `entity_aliases` and rank collocations.
LEMMA_COUNTS = pa.schema(
    [("lemma", pa.string()), ("pos", pa.string()), ("count", pa.int64()), ("documents", pa.int64())]
)
# A word as spaCy cut it (lower-cased) with its lemma (lower-cased): occurrences and documents
# (keyword in context's totals, and the forms of a lemma).
WORD_COUNTS = pa.schema(
    [
        ("word", pa.string()),
        ("lemma", pa.string()),
        ("occurrences", pa.int64()),
        ("documents", pa.int64()),
    ]
)
BOILERPLATE_RULES = pa.schema(
    [("rule", pa.string()), ("lines", pa.int64()), ("documents", pa.int64())]
)
# An entity name as its document gives it (entities.canonical), with its label and whether the
# corpus may map it to a full name: mentions and documents.
ENTITY_NAME_COUNTS = pa.schema(
    [
        ("name", pa.string()),
        ("label", pa.string()),
        ("alias_candidate", pa.bool_()),
        ("mentions", pa.int64()),
        ("documents", pa.int64()),
    ]
)
# A name a document merges itself ("Putin" after "Vladimir Putin"): mentions and documents.
ENTITY_MERGE_COUNTS = pa.schema(
    [
        ("alias", pa.string()),
        ("canonical", pa.string()),
        ("label", pa.string()),
        ("mentions", pa.int64()),
        ("documents", pa.int64()),
    ]
)
# Two different names in one sentence (a < b): sentences and documents.
ENTITY_PAIR_COUNTS = pa.schema(
    [
        ("a", pa.string()),
        ("a_candidate", pa.bool_()),
        ("b", pa.string()),
        ("b_candidate", pa.bool_()),
        ("sentences", pa.int64()),
        ("documents", pa.int64()),
    ]
)
# A name on the published day of its documents (undated documents are on no day).
ENTITY_DAY_COUNTS = pa.schema(
    [
        ("name", pa.string()),
        ("label", pa.string()),
        ("alias_candidate", pa.bool_()),
        ("day", pa.date32()),
        ("mentions", pa.int64()),
        ("documents", pa.int64()),
    ]
)
# Ordered pairs of content lemmas within 5 tokens in one sentence, and each content lemma's
# occurrences: what the `collocations` view ranks.
COLLOCATION_PAIR_COUNTS = pa.schema(
    [
        ("lemma", pa.string()),
        ("collocate", pa.string()),
        ("cooccurrences", pa.int64()),
        ("documents", pa.int64()),
    ]
)
COLLOCATION_LEMMA_COUNTS = pa.schema([("lemma", pa.string()), ("n", pa.int64())])
# One row per annotated document.
DOC_STATS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("n_sentences", pa.int64()),
        ("n_tokens", pa.int64()),
        ("n_types", pa.int64()),
        ("mean_sentence_len", pa.float64()),
    ]
)

AGGREGATE_TABLES: dict[str, pa.Schema] = {
    "lemma_counts": LEMMA_COUNTS,
    "word_counts": WORD_COUNTS,
    "boilerplate_rules": BOILERPLATE_RULES,
    "entity_name_counts": ENTITY_NAME_COUNTS,
    "entity_merge_counts": ENTITY_MERGE_COUNTS,
    "entity_pair_counts": ENTITY_PAIR_COUNTS,
    "entity_day_counts": ENTITY_DAY_COUNTS,
    "collocation_pair_counts": COLLOCATION_PAIR_COUNTS,
    "collocation_lemma_counts": COLLOCATION_LEMMA_COUNTS,
    "doc_stats": DOC_STATS,
}

"""The tables of the lake, declared once as Arrow schemas, each column with its one-line meaning
(field metadata `description`, what the Dagster UI shows in an asset's Columns section).

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
- the aggregates (`AGGREGATE_TABLES`, kept by difference) and the views over them
  (`VIEW_TABLES`, made by sql/views/; declared here for their meaning, and a test holds the SQL
  to these columns and types).
"""

import pyarrow as pa

DESCRIPTION = b"description"


def column(name: str, kind: pa.DataType, description: str) -> pa.Field:
    """A column and its one-line meaning."""
    return pa.field(name, kind, metadata={DESCRIPTION: description.encode()})


def description_of(field: pa.Field) -> str:
    """A column's one-line meaning ('' if it has none)."""
    return (field.metadata or {}).get(DESCRIPTION, b"").decode()


UTC = pa.timestamp("us", tz="UTC")
COUNT = pa.int64()
DOC_ID = column("doc_id", pa.string(), "the file's path relative to the seeds folder")
SHARD = column("shard", pa.int16(), "the file's shard (Dagster partition): CRC-32 of doc_id")
SHA256 = column("content_sha256", pa.string(), "SHA-256 of the file's bytes")
N_BYTES = column("n_bytes", pa.int64(), "file size in bytes")
SENT_IDX = column("sent_idx", pa.int32(), "the sentence's number in its document, from 0")
START = column("start_char", pa.int32(), "offset of the first character in documents.text")
END = column("end_char", pa.int32(), "offset after the last character in documents.text")
LABEL = column("label", pa.string(), "entity type (PERSON, ORG, GPE...)")
CANDIDATE = "a one-word PERSON name its document does not explain: the corpus may map it"

FILES = pa.schema(
    [
        DOC_ID,
        SHARD,
        N_BYTES,
        column("mtime_ns", pa.int64(), "modification time, nanoseconds since the epoch"),
        SHA256,
        column("status", pa.string(), "ok or rejected, as in documents"),
        column("code_version", pa.string(), "cleaning and annotation code that made its rows"),
        column("first_seen", UTC, "when a run first saw the file"),
        column("processed_at", UTC, "when its rows were last written"),
        # common_lines: re-cleaned because a line it holds became, or stopped being, corpus
        # boilerplate
        column(
            "reason",
            pa.string(),
            "why the run processed it: new, changed, code_version, forced, retry, common_lines",
        ),
    ]
)

DOCUMENTS = pa.schema(
    [
        DOC_ID,
        column("path", pa.string(), "the file's path as read (unprintable characters escaped)"),
        SHARD,
        SHA256,
        N_BYTES,
        column("format", pa.string(), "html or text, from the file name"),
        column("encoding", pa.string(), "the encoding the bytes were decoded from"),
        column("title", pa.string(), "the headline, when the page or first line gives one"),
        column("published_date", pa.date32(), "the publication date; null when undated"),
        column("date_source", pa.string(), "where the date comes from: marker, html or text"),
        column("source_url", pa.string(), "the article's address found in the text"),
        column("language", pa.string(), "ISO 639-1 code; und when too short to tell"),
        column("n_chars_raw", pa.int64(), "characters before cleaning"),
        column("n_chars_clean", pa.int64(), "characters of the cleaned text"),
        column("text", pa.string(), "the cleaned article text"),
        column("status", pa.string(), "ok, or rejected when the file cannot be used"),
        column("reject_reason", pa.string(), "why a rejected file was rejected"),
    ]
)

REMOVED_LINES = pa.schema(
    [
        DOC_ID,
        column("line_no", pa.int32(), "the line's number in the text before cleaning, from 0"),
        column("text", pa.string(), "the removed line"),
        column("rule", pa.string(), "the cleaning rule that removed it (see cleaning_rules)"),
    ]
)

SENTENCES = pa.schema([DOC_ID, SENT_IDX, START, END, column("text", pa.string(), "the sentence")])

TOKENS = pa.schema(
    [
        DOC_ID,
        SENT_IDX,
        column("tok_idx", pa.int32(), "the token's number in its document, from 0"),
        column("text", pa.string(), "the token as written"),
        column("lemma", pa.string(), "its dictionary form"),
        column("pos", pa.string(), "universal part of speech (NOUN, VERB, PROPN...)"),
        column("tag", pa.string(), "fine-grained Penn Treebank tag"),
        column("dep", pa.string(), "dependency relation to its head"),
        column("head_idx", pa.int32(), "tok_idx of its syntactic head"),
        column("ent_type", pa.string(), "the entity label it is part of, or empty"),
        column("is_stop", pa.bool_(), "a stop word"),
        column("is_punct", pa.bool_(), "punctuation"),
        START,
    ]
)

ENTITIES = pa.schema(
    [
        DOC_ID,
        SENT_IDX,
        column("text", pa.string(), "the mention as written"),
        LABEL,
        START,
        END,
        column("norm", pa.string(), "normalised form (the Kremlin's -> Kremlin)"),
        # see pipeline/stages/names.py
        column("canonical", pa.string(), "the document's own long form of a name, else norm"),
        column("alias_candidate", pa.bool_(), CANDIDATE),
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
        column("batch_id", pa.string(), "a hash of the run, the code version and its files"),
        column("n_docs", pa.int32(), "documents in the batch"),
        column("committed_at", UTC, "when its transaction committed"),
    ]
)

# One row per cleaning rule: why the lines it removes are not article body. `removed_lines.rule`
# joins to `rule`; the table is rewritten whenever the rules' code says something else.
CLEANING_RULES = pa.schema(
    [
        column("rule", pa.string(), "the rule's name, as in removed_lines.rule"),
        column("reason", pa.string(), "why what it removes is not article body"),
    ]
)

# One row per derived step (aggregates, text reuse): the state of `files` it was computed from,
# so a run in which no file changed skips recomputing it.
DERIVED_STATE = pa.schema(
    [
        column("name", pa.string(), "the derived step"),
        column("fingerprint", pa.string(), "the files and code it was last computed from"),
        column("updated_at", UTC, "when"),
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

# The aggregates, kept by difference (pipeline/lake/aggregates.py): one row per key with its
# totals over every `ok` document; a key no document holds has no row. The views over them
# (sql/views/) merge entity names through `entity_aliases` and rank collocations.
MENTIONS = column("mentions", COUNT, "mentions")
DOCUMENTS_WITH = column("documents", COUNT, "documents with at least one")
NAME = column("name", pa.string(), "an entity name as its document gives it (canonical)")
ALIAS_CANDIDATE = column("alias_candidate", pa.bool_(), CANDIDATE)
LEMMA_COUNTS = pa.schema(
    [
        column("lemma", pa.string(), "dictionary form of a word"),
        column("pos", pa.string(), "universal part of speech"),
        column("count", COUNT, "occurrences"),
        DOCUMENTS_WITH,
    ]
)
# A word as spaCy cut it (lower-cased) with its lemma (lower-cased): occurrences and documents
# (keyword in context's totals, and the forms of a lemma).
WORD_COUNTS = pa.schema(
    [
        column("word", pa.string(), "a word as written, lower-cased"),
        column("lemma", pa.string(), "its lemma, lower-cased"),
        column("occurrences", COUNT, "occurrences"),
        DOCUMENTS_WITH,
    ]
)
BOILERPLATE_RULES = pa.schema(
    [
        column("rule", pa.string(), "the cleaning rule"),
        column("lines", COUNT, "lines it removed"),
        column("documents", COUNT, "documents it removed lines from"),
    ]
)
# An entity name as its document gives it (entities.canonical), with its label and whether the
# corpus may map it to a full name: mentions and documents.
ENTITY_NAME_COUNTS = pa.schema([NAME, LABEL, ALIAS_CANDIDATE, MENTIONS, DOCUMENTS_WITH])
# A name a document merges itself ("Putin" after "Vladimir Putin"): mentions and documents.
ENTITY_MERGE_COUNTS = pa.schema(
    [
        column("alias", pa.string(), "the name as the text says it"),
        column("canonical", pa.string(), "the full name its document gives"),
        LABEL,
        MENTIONS,
        DOCUMENTS_WITH,
    ]
)
# Two different names in one sentence (a < b): sentences and documents.
ENTITY_PAIR_COUNTS = pa.schema(
    [
        column("a", pa.string(), "one name (a < b)"),
        column("a_candidate", pa.bool_(), "a may be mapped to a full name"),
        column("b", pa.string(), "the other name"),
        column("b_candidate", pa.bool_(), "b may be mapped to a full name"),
        column("sentences", COUNT, "sentences naming both"),
        column("documents", COUNT, "documents with such a sentence"),
    ]
)
# A name on the published day of its documents (undated documents are on no day).
ENTITY_DAY_COUNTS = pa.schema(
    [
        NAME,
        LABEL,
        ALIAS_CANDIDATE,
        column("day", pa.date32(), "the documents' published date"),
        MENTIONS,
        column("documents", COUNT, "documents of that day mentioning it"),
    ]
)
# Ordered pairs of content lemmas within 5 tokens in one sentence, and each content lemma's
# occurrences: what the `collocations` view ranks.
COLLOCATION_PAIR_COUNTS = pa.schema(
    [
        column("lemma", pa.string(), "a content lemma"),
        column("collocate", pa.string(), "a content lemma within 5 tokens of it"),
        column("cooccurrences", COUNT, "times seen together"),
        column("documents", COUNT, "documents where they are seen together"),
    ]
)
COLLOCATION_LEMMA_COUNTS = pa.schema(
    [column("lemma", pa.string(), "a content lemma"), column("n", COUNT, "occurrences")]
)
# One row per annotated document.
DOC_STATS = pa.schema(
    [
        DOC_ID,
        column("n_sentences", COUNT, "sentences"),
        column("n_tokens", COUNT, "word tokens (no punctuation or spaces)"),
        column("n_types", COUNT, "distinct words, lower-cased"),
        column("mean_sentence_len", pa.float64(), "word tokens per sentence"),
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

# The views over the totals (sql/views/), computed when read.
NORM = column("norm", pa.string(), "the entity's canonical name")
VIEW_TABLES: dict[str, pa.Schema] = {
    "entity_aliases": pa.schema(
        [
            column("alias", pa.string(), "a name counted under another"),
            column("canonical", pa.string(), "the full name it is counted under"),
            LABEL,
            column("basis", pa.string(), "text: its document says so; corpus: most documents"),
            column("documents", COUNT, "documents where the merge was made"),
        ]
    ),
    "entity_counts": pa.schema([NORM, LABEL, MENTIONS, DOCUMENTS_WITH]),
    "entity_cooccurrence": pa.schema(
        [
            column("a", pa.string(), "one entity (canonical name, a < b)"),
            column("b", pa.string(), "the other entity"),
            column("sentences", COUNT, "sentences naming both"),
            column("documents", COUNT, "documents with such a sentence"),
        ]
    ),
    "entity_timeline": pa.schema(
        [
            NORM,
            LABEL,
            column("day", pa.date32(), "the documents' published date"),
            MENTIONS,
            column("documents", COUNT, "documents of that day mentioning it"),
        ]
    ),
    "collocations": pa.schema(
        [
            column("lemma", pa.string(), "a content lemma seen 5 times or more"),
            column("collocate", pa.string(), "a content lemma within 5 tokens of it"),
            column("cooccurrences", COUNT, "times seen together"),
            column("documents", COUNT, "documents where they are seen together"),
            column("lemma_count", COUNT, "occurrences of the lemma"),
            column("collocate_count", COUNT, "occurrences of the collocate"),
            column("expected", pa.float64(), "co-occurrences expected by chance"),
            column("pmi", pa.float64(), "pointwise mutual information, bits"),
            column("log_likelihood", pa.float64(), "log-likelihood ratio G2: the ranking"),
            column("rank", COUNT, "the collocate's rank for the lemma, 1 to 10"),
        ]
    ),
}

"""The per-document tables a batch writes, and the run's own state (`files`, `batches`,
`derived_state`, the cleaning tables)."""

import pyarrow as pa

from pipeline.schema.columns import (
    CANDIDATE,
    DOC_ID,
    END,
    LABEL,
    N_BYTES,
    SENT_IDX,
    SHA256,
    SHARD,
    START,
    UTC,
    column,
)

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

# The per-document tables of spaCy's annotation: a function of the document's text alone, so
# an exact copy can take its original's (pipeline/run/copies.py).
ANNOTATION_TABLES = ("sentences", "tokens", "entities")

BASE_TABLES: dict[str, pa.Schema] = {
    **DOCUMENT_TABLES,
    "files": FILES,
    "batches": BATCHES,
    "derived_state": DERIVED_STATE,
    "cleaning_rules": CLEANING_RULES,
    "line_counts": LINE_COUNTS,
    "common_lines": COMMON_LINES,
}

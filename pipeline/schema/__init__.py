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

from pipeline.schema.aggregates import (
    AGGREGATE_TABLES,
    ALIAS_CANDIDATE,
    BOILERPLATE_RULES,
    COLLOCATION_LEMMA_COUNTS,
    COLLOCATION_PAIR_COUNTS,
    DOC_STATS,
    DOCUMENTS_WITH,
    ENTITY_DAY_COUNTS,
    ENTITY_MERGE_COUNTS,
    ENTITY_NAME_COUNTS,
    ENTITY_PAIR_COUNTS,
    LEMMA_COUNTS,
    MENTIONS,
    NAME,
    NORM,
    VIEW_TABLES,
    WORD_COUNTS,
)
from pipeline.schema.columns import (
    CANDIDATE,
    COUNT,
    DESCRIPTION,
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
    description_of,
)
from pipeline.schema.documents import (
    ANNOTATION_TABLES,
    BASE_TABLES,
    BATCHES,
    CLEANING_RULES,
    COMMON_LINES,
    DERIVED_STATE,
    DOCUMENT_LINES,
    DOCUMENT_TABLES,
    DOCUMENTS,
    ENTITIES,
    FILES,
    LINE_COUNTS,
    REMOVED_LINES,
    SENTENCES,
    TOKENS,
)
from pipeline.schema.reuse import (
    REUSE_BANDS,
    REUSE_CLUSTERS,
    REUSE_DOCUMENTS,
    REUSE_GRAMS,
    REUSE_LEMMAS,
    REUSE_SIGNATURES,
    REUSE_TABLES,
    REUSE_TEXT_PAIRS,
    REUSE_TEXT_PASSAGES,
    REUSE_TEXTS,
    REUSED_PASSAGES,
    TEXT_REUSE,
)

__all__ = [
    "AGGREGATE_TABLES",
    "ALIAS_CANDIDATE",
    "ANNOTATION_TABLES",
    "BASE_TABLES",
    "BATCHES",
    "BOILERPLATE_RULES",
    "CANDIDATE",
    "CLEANING_RULES",
    "COLLOCATION_LEMMA_COUNTS",
    "COLLOCATION_PAIR_COUNTS",
    "COMMON_LINES",
    "COUNT",
    "DERIVED_STATE",
    "DESCRIPTION",
    "DOCUMENTS",
    "DOCUMENTS_WITH",
    "DOCUMENT_LINES",
    "DOCUMENT_TABLES",
    "DOC_ID",
    "DOC_STATS",
    "END",
    "ENTITIES",
    "ENTITY_DAY_COUNTS",
    "ENTITY_MERGE_COUNTS",
    "ENTITY_NAME_COUNTS",
    "ENTITY_PAIR_COUNTS",
    "FILES",
    "LABEL",
    "LEMMA_COUNTS",
    "LINE_COUNTS",
    "MENTIONS",
    "NAME",
    "NORM",
    "N_BYTES",
    "REMOVED_LINES",
    "REUSED_PASSAGES",
    "REUSE_BANDS",
    "REUSE_CLUSTERS",
    "REUSE_DOCUMENTS",
    "REUSE_GRAMS",
    "REUSE_LEMMAS",
    "REUSE_SIGNATURES",
    "REUSE_TABLES",
    "REUSE_TEXTS",
    "REUSE_TEXT_PAIRS",
    "REUSE_TEXT_PASSAGES",
    "SENTENCES",
    "SENT_IDX",
    "SHA256",
    "SHARD",
    "START",
    "TEXT_REUSE",
    "TOKENS",
    "UTC",
    "VIEW_TABLES",
    "WORD_COUNTS",
    "column",
    "description_of",
]

"""The aggregates (totals kept by difference) and the views over them."""

import pyarrow as pa

from pipeline.schema.columns import CANDIDATE, COUNT, DOC_ID, LABEL, column

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

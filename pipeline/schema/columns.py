"""The columns many tables share, and how a column carries its meaning."""

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

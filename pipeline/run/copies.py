"""Exact copies annotated once.

News folders hold many copies of one file (wire stories, syndication, a scrape run twice).
The run plans which files repeat another byte for byte (`copy_hints`: a file of the same format
seen earlier in the run, or an `ok` document of the lake made by this code version), and the
worker that cleans a copy does not parse it again when its cleaned text is the original's:
- the original in the same batch: its rows are repeated under the copy's id (`share`,
  `repeat_rows`);
- the original outside the batch (the lake, or an earlier batch of the run, committed first):
  the copy is sent back with the digest of its text, and the commit takes the original's rows
  from the lake if the texts still agree (lake/documents.py `fill_copies`), else the run
  parses the copy after all.
Every copy still gets its own `documents` row (its own title, date, first seen), and its
annotation rows are the ones parsing it would give, as the text is the same.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.stages.document import Prepared, WorkItem
from pipeline.stages.ingest import NotText, file_format, read_bytes, sha256

# A copy whose original lies outside its batch: the commit takes the original's rows if its text
# still has this digest.
COPIES = pa.schema(
    [("doc_id", pa.string()), ("original", pa.string()), ("text_sha256", pa.string())]
)


def text_digest(text: str) -> str:
    """The digest DuckDB's sha256() gives for the same text."""
    return hashlib.sha256(text.encode()).hexdigest()


def file_digests(items: Sequence[WorkItem], max_bytes: int) -> dict[str, str]:
    """The content hash of each planned file that can be read (as the worker will hash it)."""
    digests = {}
    for item in items:
        raw = read_bytes(Path(item.path), max_bytes)
        if not isinstance(raw, NotText):
            digests[item.doc_id] = sha256(raw)
    return digests


def copy_hints(
    items: Sequence[WorkItem], digests: Mapping[str, str], in_lake: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """copy -> original for every planned file that repeats another of the same format: an
    `ok` document of the lake (`in_lake`: doc_id and content hash, oldest first, none of them
    planned now) or, failing that, the first such file of the run."""
    originals: dict[tuple[str, str], str] = {}
    for doc_id, digest in in_lake:
        originals.setdefault((digest, file_format(doc_id)), doc_id)
    hints = {}
    for item in items:
        digest = digests.get(item.doc_id)
        if digest is None:
            continue
        key = (digest, file_format(item.doc_id))
        original = originals.setdefault(key, item.doc_id)
        if original != item.doc_id:
            hints[item.doc_id] = original
    return hints


@dataclass(frozen=True, slots=True)
class Shared:
    """How a batch's documents share their annotation: the (doc_id, text) pairs to parse,
    the copies of a document parsed in this batch (copy -> original), and the copies of a
    document outside it (COPIES rows)."""

    texts: list[tuple[str, str]]
    local: dict[str, str]
    elsewhere: pa.Table


def share(work: Sequence[Prepared], hints: Mapping[str, str]) -> Shared:
    """Split the documents to annotate into those to parse and the copies of others (equal
    texts in the batch, hinted or not; hinted copies of a document outside the batch)."""
    in_batch = {p.item.doc_id for p in work if p.annotate}
    parsed: dict[str, str] = {}  # text -> the document of the batch that parses it
    texts, local, elsewhere = [], {}, []
    for p in work:
        if not p.annotate:
            continue
        doc_id, text = p.item.doc_id, str(p.document["text"])
        original = hints.get(doc_id)
        if text in parsed:
            local[doc_id] = parsed[text]
        elif original is not None and original not in in_batch:
            elsewhere.append(
                {"doc_id": doc_id, "original": original, "text_sha256": text_digest(text)}
            )
        else:
            parsed[text] = doc_id
            texts.append((doc_id, text))
    return Shared(texts, local, pa.Table.from_pylist(elsewhere, schema=COPIES))


def repeat_rows(table: pa.Table, local: Mapping[str, str]) -> pa.Table:
    """`table` with the rows of each original repeated under its copies' doc_id."""
    if not local:
        return table
    ids = table.column("doc_id")
    at = table.schema.get_field_index("doc_id")
    parts = [table]
    for copy, original in local.items():
        rows = table.filter(pc.equal(ids, original))
        copy_ids = pa.array([copy] * rows.num_rows, pa.string())
        parts.append(rows.set_column(at, table.schema.field(at), copy_ids))
    return pa.concat_tables(parts)

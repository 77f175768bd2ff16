"""Corpus-level boilerplate in the lake: per document, the hashes of its short lines and its
group (`document_lines`, written with the document's other rows), and per line key the groups
of documents that hold it (`line_counts`), counted again for exactly the keys a batch or a
deletion touched, in the same transaction. Which keys are common is then one query."""

from collections.abc import Iterable

import pyarrow as pa

from pipeline.lake.store import LakeReader, LakeWriter
from pipeline.schema import COMMON_LINES

KEYS = COMMON_LINES


def common_lines(lake: LakeReader, min_groups: int) -> frozenset[int]:
    """The line keys held by `min_groups` or more groups of documents."""
    return frozenset(key for (key,) in lake.rows("lines/common", [min_groups]))


def cleaned_with(lake: LakeReader) -> frozenset[int]:
    """The common set the lake's documents were cleaned with (`common_lines`)."""
    return frozenset(key for (key,) in lake.rows("lines/cleaned_with"))


def record_cleaned_with(lake: LakeWriter, keys: frozenset[int]) -> None:
    """Record the common set every document is now cleaned with, if it moved."""
    if keys == cleaned_with(lake):
        return
    rows = pa.table({"key": sorted(keys)}, schema=COMMON_LINES)
    lake.replace_tables({"common_lines": rows})


def holders(lake: LakeReader, keys: Iterable[int]) -> list[str]:
    """The documents holding any of `keys`, by id."""
    keys = sorted(keys)
    if not keys:
        return []
    return [doc_id for (doc_id,) in lake.rows("lines/holders", [keys])]


def keys_of(lake: LakeWriter, ids: pa.Table) -> pa.Table:
    """The keys the documents of `ids` (a `doc_id` column) hold now: call before their rows
    are deleted, inside the transaction that replaces or deletes them."""
    if ids.num_rows == 0:
        return KEYS.empty_table()
    with lake.registered("batch_ids", ids):
        return lake.arrow("lines/keys_of_documents").cast(KEYS)


def recount(lake: LakeWriter, before: pa.Table, after: pa.Table) -> None:
    """Count again the keys the documents held before (`before`) and hold now (`after`, new
    `document_lines` rows), once their rows are written."""
    keys = pa.concat_tables([before, after.select(["key"]).cast(KEYS)])
    if keys.num_rows == 0:
        return
    with lake.registered("touched_keys", keys):
        lake.execute("lines/forget_counts")
        lake.execute("lines/count")

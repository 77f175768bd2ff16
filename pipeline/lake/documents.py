"""Per-document rows: a batch's rows replaced in every table in one transaction, the rows of
deleted files removed, and the `files` state a run plans from."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa

from pipeline.lake import lines
from pipeline.lake.aggregates import update_collocation_counts
from pipeline.lake.sql import for_table
from pipeline.lake.store import LakeWriter
from pipeline.schema import BASE_TABLES, DOCUMENT_TABLES


@dataclass(frozen=True, slots=True)
class FileState:
    """What the lake remembers of one file: a row of `files`."""

    doc_id: str
    shard: int
    n_bytes: int
    mtime_ns: int
    content_sha256: str
    status: str
    code_version: str
    first_seen: datetime


def file_states(lake: LakeWriter, shards: Iterable[int]) -> dict[str, FileState]:
    rows = lake.rows("lake/file_states", {"shards": sorted(shards)})
    return {row[0]: FileState(*row) for row in rows}


def write_batch(lake: LakeWriter, batch_id: str, tables: dict[str, pa.Table]) -> bool:
    """Replace the rows of the batch's documents in every table, in one transaction.

    `tables` holds a table for each of DOCUMENT_TABLES and `files`. The per-document counts
    the aggregates are summed from are derived in the same transaction, from the new rows, and
    so are the counts of the short lines the documents held and hold (`line_counts`).
    Returns False when a batch with this id was committed before (a retried delivery), in
    which case nothing is written.
    """
    ids = pa.table({"doc_id": tables["files"].column("doc_id")})
    # Checked before the transaction: the writer lock makes this process the only writer.
    if lake.row("lake/batch_committed", [batch_id]):
        return False
    with lake.transaction():
        known = _known(lake, ids)
        held = lines.keys_of(lake, known)
        _delete_ids(lake, known)
        for name in (*DOCUMENT_TABLES, "files"):
            lake.insert(name, tables[name])
        lines.recount(lake, held, tables["document_lines"])
        stamp = pa.table(
            {"batch_id": [batch_id], "n_docs": [ids.num_rows], "committed_at": [_now()]},
            schema=BASE_TABLES["batches"],
        )
        lake.insert("batches", stamp)
        update_collocation_counts(lake, ids.column("doc_id").to_pylist())
    return True


def delete_documents(lake: LakeWriter, doc_ids: Iterable[str]) -> int:
    """Remove every row of these documents, `files` included, in one transaction."""
    ids = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    if ids.num_rows == 0:
        return 0
    with lake.transaction():
        held = lines.keys_of(lake, ids)
        _delete_ids(lake, ids)
        lines.recount(lake, held, BASE_TABLES["document_lines"].empty_table())
    return ids.num_rows


def touch_files(lake: LakeWriter, rows: pa.Table) -> None:
    """Record a new stat for files whose content did not change (no other table moves)."""
    if rows.num_rows == 0:
        return
    with lake.registered("touched", rows):
        lake.execute("lake/touch_files")


def document_rows(lake: LakeWriter, doc_id: str) -> dict[str, pa.Table]:
    """Every row of one document, by table (what a batch writing it again would hold)."""
    tables = {}
    for name in (*DOCUMENT_TABLES, "files"):
        rows = lake.con.execute(for_table("lake/document_rows", name), [doc_id])
        tables[name] = rows.fetch_arrow_table().cast(BASE_TABLES[name])
    return tables


def _known(lake: LakeWriter, ids: pa.Table) -> pa.Table:
    """The ids that already have rows (a `files` row, written in the same transaction as the
    rest): only those need deleting, and new files skip a scan of every table."""
    with lake.registered("candidate_ids", ids):
        return lake.arrow("lake/known_documents")


def _delete_ids(lake: LakeWriter, ids: pa.Table) -> None:
    if ids.num_rows == 0:
        return
    with lake.registered("batch_ids", ids):
        for name in (*DOCUMENT_TABLES, "files"):
            lake.execute("lake/delete_document_rows", table=name)


def _now() -> datetime:
    return datetime.now(UTC)


def record_cleaning_rules(lake: LakeWriter, reasons: dict[str, str]) -> bool:
    """Make `cleaning_rules` hold exactly these (rule, reason) rows; True if it had to change."""
    wanted = sorted(reasons.items())
    if lake.rows("lake/cleaning_rules") == wanted:
        return False
    rows = {"rule": [r for r, _ in wanted], "reason": [why for _, why in wanted]}
    lake.replace_tables({"cleaning_rules": pa.table(rows, schema=BASE_TABLES["cleaning_rules"])})
    return True

"""Per-document rows: a batch's rows replaced in every table in one transaction, the rows of
deleted files removed, and the `files` state a run plans from."""

import contextlib
from collections.abc import Iterable
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.lake import aggregates, lines
from pipeline.lake.sql import for_table
from pipeline.lake.store import LakeWriter
from pipeline.schema import ANNOTATION_TABLES, BASE_TABLES, DOCUMENT_TABLES


def file_states(lake: LakeWriter, shards: Iterable[int]) -> pa.Table:
    """What the lake remembers of the files of these shards: their `files` rows (doc_id,
    shard, n_bytes, mtime_ns, content_sha256, status, code_version, first_seen)."""
    return lake.arrow("lake/file_states", {"shards": sorted(shards)})


def copy_sources(lake: LakeWriter, digests: Iterable[str], version: str) -> list[tuple[str, str]]:
    """The `ok` documents made by code `version` whose file has one of these content hashes:
    (doc_id, content hash), first seen first (pipeline/run/copies.py)."""
    wanted = sorted(set(digests))
    if not wanted:
        return []
    return lake.rows("lake/copy_sources", {"digests": wanted, "version": version})


def fill_copies(
    lake: LakeWriter, tables: dict[str, pa.Table], copies: pa.Table
) -> tuple[dict[str, pa.Table], list[str]]:
    """A batch's tables with the annotation rows of its copies taken from their originals in
    the lake (`copies`: doc_id, original, text_sha256), where the original's text is the
    copy's; the copies whose original has another text (or none) are left out of every table,
    their ids returned for the run to parse them."""
    if copies.num_rows == 0:
        return tables, []
    with lake.registered("copies", copies):
        matched = lake.arrow("lake/matched_copies")
    filled = dict(tables)
    if matched.num_rows:
        with lake.registered("matched_copies", matched):
            for name in ANNOTATION_TABLES:
                schema = DOCUMENT_TABLES[name]
                rows = lake.con.execute(for_table("lake/copied_rows", name)).fetch_arrow_table()
                filled[name] = pa.concat_tables(
                    [filled[name], rows.select(schema.names).cast(schema)]
                )
    unmatched = sorted(
        set(copies.column("doc_id").to_pylist()) - set(matched.column("doc_id").to_pylist())
    )
    if unmatched:
        left_out = pa.array(unmatched, pa.string())
        for name, table in filled.items():
            filled[name] = table.filter(pc.invert(pc.is_in(table.column("doc_id"), left_out)))
    return filled, unmatched


def write_batch(
    lake: LakeWriter, batch_id: str, tables: dict[str, pa.Table], *, keep_aggregates: bool
) -> bool:
    """Replace the rows of the batch's documents in every table, in one transaction.

    `tables` holds a table for each of DOCUMENT_TABLES and `files`. With `keep_aggregates`
    the aggregates take away the replaced documents' contributions and add the new rows', in
    the same transaction (without it they are stale, to be rebuilt: see lake/aggregates.py);
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
        n_files = ids.num_rows
        lake.describe(
            f"batch of {_files(n_files)}",
            added=n_files - known.num_rows,
            changed=known.num_rows,
        )
        if keep_aggregates:
            aggregates.take_away(lake, known.column("doc_id").to_pylist())
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
        if keep_aggregates:
            _add_to_aggregates(lake, tables)
    return True


def _add_to_aggregates(lake: LakeWriter, tables: dict[str, pa.Table]) -> None:
    """The batch's own rows, registered for the aggregates' contribution queries."""
    names = {name: f"batch_{name}" for name in aggregates.LAKE_ROWS}
    with contextlib.ExitStack() as stack:
        for name, view in names.items():
            stack.enter_context(lake.registered(view, tables[name]))
        aggregates.add(lake, names)


def delete_documents(lake: LakeWriter, doc_ids: Iterable[str], *, keep_aggregates: bool) -> int:
    """Remove every row of these documents, `files` included, in one transaction (their
    contributions taken away from the aggregates with `keep_aggregates`)."""
    ids = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    if ids.num_rows == 0:
        return 0
    with lake.transaction():
        lake.describe(f"delete {_files(ids.num_rows)} gone from the folder", deleted=ids.num_rows)
        if keep_aggregates:
            aggregates.take_away(lake, ids.column("doc_id").to_pylist())
        held = lines.keys_of(lake, ids)
        _delete_ids(lake, ids)
        lines.recount(lake, held, BASE_TABLES["document_lines"].empty_table())
    return ids.num_rows


def touch_files(lake: LakeWriter, rows: pa.Table) -> None:
    """Record a new stat for files whose content did not change (no other table moves)."""
    if rows.num_rows == 0:
        return
    what = f"new stat of {_files(rows.num_rows)} with the same content"
    with lake.transaction(what), lake.registered("touched", rows):
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


def _files(n: int) -> str:
    return f"{n:,} file{'s' if n != 1 else ''}"


def record_cleaning_rules(lake: LakeWriter, reasons: dict[str, str]) -> bool:
    """Make `cleaning_rules` hold exactly these (rule, reason) rows; True if it had to change."""
    wanted = sorted(reasons.items())
    if lake.rows("lake/cleaning_rules") == wanted:
        return False
    rows = {"rule": [r for r, _ in wanted], "reason": [why for _, why in wanted]}
    lake.replace_tables({"cleaning_rules": pa.table(rows, schema=BASE_TABLES["cleaning_rules"])})
    return True

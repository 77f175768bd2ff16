"""The lake's snapshots, and tables or queries written out as files.

Every commit of the writer is one DuckLake snapshot; DuckLake keeps them (maintenance expires
those older than a day) and can attach the lake as it was at any kept one (`connect(data,
at=N)`). With each commit the writer records what it did (pipeline/lake/store.py): that is what
`corpus snapshots` lists, so a figure can name the snapshot and code version it came from and be
reproduced with `corpus sql --at N` after the folder has grown.

`export` writes the rows of a table or a query to Parquet or CSV (for R, Stata, spreadsheets).
The query runs on the usual read-only connection; a second, in-memory DuckDB that holds no lake
and runs no user SQL writes the file from the Arrow batches it streams, so the query's
connection never needs to write files.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.lake.connection import NoLakeError, connect, duck
from pipeline.lake.query import QueryError, check_query, first_line
from pipeline.lake.sql import IDENTIFIER, for_table, statement

EXPORT_FORMATS = (".parquet", ".csv")
BATCH_ROWS = 100_000  # rows per Arrow batch streamed to the file: memory stays flat


def list_snapshots(data_dir: Path) -> tuple[list[str], list[tuple]]:
    """The column names and rows of sql/lake/snapshots.sql: one row per kept snapshot."""
    try:
        con = connect(data_dir)
    except (NoLakeError, duckdb.Error) as error:
        raise QueryError(first_line(error)) from None
    with con:
        result = con.execute(statement("lake/snapshots"))
        return [column[0] for column in result.description], result.fetchall()


def export(data_dir: Path, source: str, out: Path, *, at: int | None = None) -> int:
    """Write the rows of `source` (a table's name, or one query) to `out` (.parquet or .csv),
    from the lake as it is or as it was at snapshot `at`; returns the number of rows."""
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise QueryError(f"--out must end in .parquet or .csv (got {out.name})")
    try:
        con = connect(data_dir, at=at)
    except (NoLakeError, duckdb.Error) as error:
        raise QueryError(first_line(error)) from None
    with con:
        query = _query(con, source)
        try:
            batches = con.execute(query).fetch_record_batch(BATCH_ROWS)
            return _write(batches, out, suffix)
        except duckdb.Error as error:
            raise QueryError(first_line(error)) from None


def _query(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """The query for a table's or view's name (one of the lake's), else `source` itself,
    checked."""
    name = source.strip()
    if IDENTIFIER.match(name):
        relations = {row[0] for row in con.execute(statement("lake/relations")).fetchall()}
        if name in relations:
            return for_table("lake/select_table", name)
    check_query(con, source)
    return source


def _write(batches: pa.RecordBatchReader, out: Path, suffix: str) -> int:
    """Stream the batches into `out` through a DuckDB of its own; the file appears whole
    (written beside it, then renamed) or not at all."""
    rows = [0]

    def counted() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows[0] += batch.num_rows
            yield batch

    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    stream = pa.RecordBatchReader.from_batches(batches.schema, counted())
    try:
        with duck() as writer:
            relation = writer.from_arrow(stream)
            if suffix == ".parquet":
                relation.write_parquet(str(partial))
            else:
                relation.write_csv(str(partial), header=True)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return rows[0]

"""Users' SQL on a read-only attachment of the lake: exactly one query statement; anything
that could change data is refused before it runs (and the lake is attached READ_ONLY)."""

from pathlib import Path

import duckdb

from pipeline.lake.connection import NoLakeError, connect

ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class QueryError(ValueError):
    """A query that cannot run; the message is one line meant for the user."""


def run_query(
    data_dir: Path, query: str, *, at: int | None = None
) -> tuple[list[str], list[tuple]]:
    """The column names and rows of one read-only query on the lake under `data_dir` (as it
    was at snapshot `at`, if given)."""
    try:
        con = connect(data_dir, at=at)
    except (NoLakeError, duckdb.Error) as error:  # e.g. a catalog whose first run was killed
        raise QueryError(first_line(error)) from None
    with con:
        check_query(con, query)
        try:
            relation = con.sql(query)
            return relation.columns, relation.fetchall()
        except duckdb.Error as error:
            raise QueryError(first_line(error)) from None


def check_query(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """QueryError unless `query` is exactly one query statement (nothing that writes)."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        raise QueryError(first_line(error)) from None
    if len(statements) != 1:
        raise QueryError(f"give exactly one SQL statement (got {len(statements)})")
    if statements[0].type not in ALLOWED_STATEMENTS:
        kind = statements[0].type.name
        raise QueryError(f"only queries are allowed here (this is a {kind} statement)")


def first_line(error: BaseException) -> str:
    """The first line of an error's message, as a user is shown it."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__

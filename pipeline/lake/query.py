"""Users' SQL on a read-only attachment of the lake: exactly one query statement; anything
that could change data is refused before it runs (and the lake is attached READ_ONLY)."""

from pathlib import Path

import duckdb

from pipeline.lake.connection import NoLakeError, connect

ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class QueryError(ValueError):
    """A query that cannot run; the message is one line meant for the user."""


def run_query(data_dir: Path, query: str) -> tuple[list[str], list[tuple]]:
    """The column names and rows of one read-only query on the lake under `data_dir`."""
    try:
        con = connect(data_dir)
    except (NoLakeError, duckdb.Error) as error:  # e.g. a catalog whose first run was killed
        raise QueryError(first_line(error)) from None
    with con:
        statements = con.extract_statements(query)
        if len(statements) != 1:
            raise QueryError(f"give exactly one SQL statement (got {len(statements)})")
        if statements[0].type not in ALLOWED_STATEMENTS:
            kind = statements[0].type.name
            raise QueryError(f"only queries are allowed here (this is a {kind} statement)")
        try:
            relation = con.sql(query)
            return relation.columns, relation.fetchall()
        except duckdb.Error as error:
            raise QueryError(first_line(error)) from None


def first_line(error: BaseException) -> str:
    """The first line of an error's message, as a user is shown it."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__

"""Users' SQL on the lake, and nothing else: exactly one query statement, on a read-only,
sandboxed connection (pipeline/lake/connection.py: DuckDB may open the lake's files only).

Anything that could change data is refused before it runs. So is anything that could read
another file through the sqlite extension, which DuckDB's sandbox does not cover: its
functions (`sqlite_scan`, `sqlite_attach`...) and `query()` / `query_table()`, which run SQL
built from strings (a check by name cannot see into those), are refused by name; and a query
whose plan scans SQLite all the same is refused once bound, before it runs.
"""

import itertools
import re
from pathlib import Path

import duckdb

from pipeline.lake.catalog import CatalogError, NoLakeError
from pipeline.lake.connection import connect

ALLOWED_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
REFUSED_FUNCTIONS = re.compile(r"sqlite.*|query|query_table")
SQLITE_OPERATOR = re.compile(r"\bSQLITE_[A-Z_]+")
NAME = re.compile(r'"(?:[^"]|"")*"|[^\W\d]\w*')
OUTSIDE = "only the lake's tables can be read here"


class QueryError(ValueError):
    """A query that cannot run; the message is one line meant for the user."""


def run_query(
    data_dir: Path, query: str, *, at: int | None = None
) -> tuple[list[str], list[tuple]]:
    """The column names and rows of one read-only query on the lake under `data_dir` (as it
    was at snapshot `at`, if given)."""
    try:
        con = connect(data_dir, at=at)
    except (NoLakeError, CatalogError, duckdb.Error) as error:
        raise QueryError(first_line(error)) from None
    with con:
        check_query(con, query)
        try:
            relation = con.sql(query)
            return relation.columns, relation.fetchall()
        except duckdb.PermissionException as error:
            raise QueryError(f"{OUTSIDE} ({first_line(error)})") from None
        except duckdb.Error as error:
            raise QueryError(first_line(error)) from None


def check_query(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """QueryError unless `query` is exactly one query statement (nothing that writes) that
    reads nothing but the lake (see the module's docstring)."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        raise QueryError(first_line(error)) from None
    if len(statements) != 1:
        raise QueryError(f"give exactly one SQL statement (got {len(statements)})")
    statement = statements[0]
    if statement.type not in ALLOWED_STATEMENTS:
        kind = statement.type.name
        raise QueryError(f"only queries are allowed here (this is a {kind} statement)")
    refused = sorted(n for n in _functions_called(query) if REFUSED_FUNCTIONS.fullmatch(n))
    if refused:
        raise QueryError(f"{OUTSIDE}: {refused[0]}() is not available here")
    # An EXPLAIN only plans (it cannot be explained again), and EXPLAIN ANALYZE runs the query
    # it explains, whose functions were checked by name above.
    if statement.type == duckdb.StatementType.SELECT:
        _refuse_sqlite_scans(con, query)


def _refuse_sqlite_scans(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """QueryError when the query's plan (bound, not run) scans SQLite all the same."""
    try:
        plan = con.sql(query).explain()
    except duckdb.PermissionException as error:
        raise QueryError(f"{OUTSIDE} ({first_line(error)})") from None
    except duckdb.Error as error:
        raise QueryError(first_line(error)) from None
    scans = SQLITE_OPERATOR.findall(plan)
    if scans:
        raise QueryError(f"{OUTSIDE}: the query scans a SQLite file ({scans[0]})")


def _functions_called(query: str) -> set[str]:
    """The lower-cased names of the functions the query calls: a name token followed by "(",
    found with DuckDB's own tokenizer (comments and string contents are not names)."""
    tokens = duckdb.tokenize(query)
    names = set()
    for (start, kind), (following, _) in itertools.pairwise(tokens):
        if kind not in (duckdb.token_type.identifier, duckdb.token_type.keyword):
            continue
        if not query.startswith("(", following):
            continue
        match = NAME.match(query, start)
        if match:
            names.add(match.group().strip('"').replace('""', '"').lower())
    return names


def first_line(error: BaseException) -> str:
    """The first line of an error's message, as a user is shown it."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__

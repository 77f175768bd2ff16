"""Asset checks that guard the tables after every run: declared columns and types, no empty
`ok` documents, cleaning that keeps a sane share of each document, entities that point at a
sentence, and `files` and `documents` in agreement. Each data check is one SQL file in
sql/checks/ returning the offending rows."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.assets.resources import LakeResource
from pipeline.lake import SQL_DIR, reader
from pipeline.schema import BASE_TABLES

CHECKS_DIR = SQL_DIR / "checks"
# Which asset each check guards, and whether a failure blocks (ERROR) or only warns.
CHECKS = {
    "empty_ok_documents": ("documents", dg.AssetCheckSeverity.ERROR),
    "files_documents_disagree": ("documents", dg.AssetCheckSeverity.ERROR),
    "mostly_removed_documents": ("documents", dg.AssetCheckSeverity.WARN),
    "orphan_entities": ("annotations", dg.AssetCheckSeverity.ERROR),
}
SCHEMA_CHECK = "declared_columns"
# Every column of the tables in the current database and schema (the lake's), in one query.
LAKE_COLUMNS = (
    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
    "WHERE database_name = current_database() AND schema_name = current_schema()"
)


def _description(path: Path) -> str:
    return path.read_text().splitlines()[0].removeprefix("--").strip()


SPECS = [
    dg.AssetCheckSpec(name, asset=asset, description=_description(CHECKS_DIR / f"{name}.sql"))
    for name, (asset, _) in CHECKS.items()
] + [
    dg.AssetCheckSpec(
        SCHEMA_CHECK, asset="documents", description="Every table has its declared columns."
    )
]


@dg.multi_asset_check(specs=SPECS)
def table_checks(lake: LakeResource) -> Iterator[dg.AssetCheckResult]:
    """Run every check over the last committed snapshot."""
    with reader(Path(lake.data_dir)) as con:
        for name, (asset, severity) in CHECKS.items():
            rows = con.sql((CHECKS_DIR / f"{name}.sql").read_text()).fetchall()
            yield dg.AssetCheckResult(
                check_name=name,
                asset_key=asset,
                passed=not rows,
                severity=severity,
                metadata={"violations": len(rows), "examples": str(rows[:5])},
            )
        missing = _missing_columns(con)
        yield dg.AssetCheckResult(
            check_name=SCHEMA_CHECK,
            asset_key="documents",
            passed=not missing,
            metadata={"missing_or_mistyped": str(missing)},
        )


def _missing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Columns of the declared Arrow schemas that a table lacks or holds under another type."""
    present: dict[str, dict[str, str]] = {}
    for table, name, kind in con.execute(LAKE_COLUMNS).fetchall():
        present.setdefault(table, {})[name] = kind
    problems = []
    for table, schema in BASE_TABLES.items():
        # DuckDB's own names for the declared types: a relation over an empty Arrow table
        # (registering it as a view and describing that cost ~40 ms a table on a lake)
        relation = con.from_arrow(schema.empty_table())
        declared = zip(relation.columns, map(str, relation.dtypes), strict=True)
        have = present.get(table, {})
        problems += [f"{table}.{name} {kind}" for name, kind in declared if have.get(name) != kind]
    return problems

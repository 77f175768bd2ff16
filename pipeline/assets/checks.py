"""Asset checks that guard the tables after every run: declared columns and types, no empty
`ok` documents, cleaning that keeps a sane share of each document, entities that point at a
sentence, and `files` and `documents` in agreement. Each data check is one SQL file in
sql/checks/ returning the offending rows."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.resources import LakeResource
from pipeline.schema import BASE_TABLES
from pipeline.storage import SQL_DIR, reader

CHECKS_DIR = SQL_DIR / "checks"
# Which asset each check guards, and whether a failure blocks (ERROR) or only warns.
CHECKS = {
    "empty_ok_documents": ("documents", dg.AssetCheckSeverity.ERROR),
    "files_documents_disagree": ("documents", dg.AssetCheckSeverity.ERROR),
    "mostly_removed_documents": ("documents", dg.AssetCheckSeverity.WARN),
    "orphan_entities": ("annotations", dg.AssetCheckSeverity.ERROR),
}
SCHEMA_CHECK = "declared_columns"


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
    problems = []
    for table, schema in BASE_TABLES.items():
        present = _column_types(con, f"DESCRIBE {table}")
        con.register("declared", schema.empty_table())
        declared = _column_types(con, "DESCRIBE declared")
        con.unregister("declared")
        problems += [
            f"{table}.{name} {kind}" for name, kind in declared.items() if present.get(name) != kind
        ]
    return problems


def _column_types(con: duckdb.DuckDBPyConnection, describe: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(describe).fetchall()}

"""Asset checks that guard the tables after every run: declared columns and types, no empty
`ok` documents, cleaning that keeps a sane share of each document, entities that point at a
sentence, and `files` and `documents` in agreement. Each data check is one SQL file in
sql/checks/ returning the offending rows."""

from collections.abc import Iterator
from datetime import datetime

import dagster as dg

from pipeline.lake import Lake
from pipeline.lake.sql import SQL_DIR, description
from pipeline.lake.store import missing_columns
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
CHECKED = "checks"  # the derived_state row: the processed_at the last checks reached

SPECS = [
    dg.AssetCheckSpec(name, asset=asset, description=description(CHECKS_DIR / f"{name}.sql"))
    for name, (asset, _) in CHECKS.items()
] + [
    dg.AssetCheckSpec(
        SCHEMA_CHECK, asset="documents", description="Every table has its declared columns."
    )
]


@dg.multi_asset_check(specs=SPECS)
def table_checks(
    context: dg.AssetCheckExecutionContext, lake: dg.ResourceParam[Lake]
) -> Iterator[dg.AssetCheckResult]:
    """Run every check over the documents processed since the last checks (all of them the
    first time), then remember when that was: a run's checks cost what it changed."""
    with lake.writer(waiting=context.log.info) as reader:
        state = reader.row("lake/derived_state", [CHECKED])
        since = datetime.fromisoformat(state[0]) if state else None
        latest = reader.row("checks/latest_processed")[0]
        for name, (asset, severity) in CHECKS.items():
            rows = reader.rows(f"checks/{name}", {"since": since})
            yield dg.AssetCheckResult(
                check_name=name,
                asset_key=asset,
                passed=not rows,
                severity=severity,
                metadata={"violations": len(rows), "examples": str(rows[:5])},
            )
        missing = missing_columns(reader, BASE_TABLES)
        yield dg.AssetCheckResult(
            check_name=SCHEMA_CHECK,
            asset_key="documents",
            passed=not missing,
            metadata={"missing_or_mistyped": str(missing)},
        )
        if latest is not None and latest != since:
            with reader.transaction():
                reader.record_state(CHECKED, latest.isoformat())

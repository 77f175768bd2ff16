import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.assets.resources import LakeResource
from pipeline.lake import count_data_files, fingerprint, is_up_to_date, maintain
from pipeline.lake.aggregates import aggregate_files, refresh_aggregates, sql_version, table_version
from pipeline.settings import COMPACT_ABOVE_FILES


class AggregatesConfig(dg.Config):
    """Run settings for the aggregate pass."""

    maintain: bool = False  # compact the lake whatever its size (the daily schedule sets it)
    # ...and compact it anyway when more Parquet files than this are live (0: only when asked)
    compact_above_files: int = COMPACT_ABOVE_FILES


def _description(path: Path) -> str:
    """An aggregate's description is the comment atop its SQL file."""
    comments = [line[2:].strip() for line in path.read_text().splitlines() if line.startswith("--")]
    return " ".join(comments) + f"\n\nSQL: sql/aggregates/{path.name}"


AGGREGATE_SPECS = [
    dg.AssetSpec(
        path.stem,
        deps=["documents", "annotations"],
        description=_description(path),
        code_version=table_version(path),
        automation_condition=KEEP_UP_TO_DATE,
        group_name="aggregates",
    )
    for path in aggregate_files()
]


SQL_VERSION = sql_version()


def _compact(con: duckdb.DuckDBPyConnection, config: AggregatesConfig) -> bool:
    limit = config.compact_above_files
    return config.maintain or (limit > 0 and count_data_files(con) > limit)


@dg.multi_asset(specs=AGGREGATE_SPECS)
def aggregates(
    context: dg.AssetExecutionContext, config: AggregatesConfig, lake: LakeResource
) -> Iterator[dg.MaterializeResult]:
    """Recompute every aggregate table by SQL over the per-document tables, in one transaction,
    so adding one file costs one file of NLP plus this cheap pass. Then compact the lake when
    more than `compact_above_files` (200) Parquet files are live (each batch commit adds a
    few), or always when `maintain` is set (the daily schedule)."""
    with lake.writer() as con:
        stamp = fingerprint(con, SQL_VERSION)
        fresh = not is_up_to_date(con, "aggregates", stamp)
        clock = time.perf_counter()
        counts = refresh_aggregates(con, state=("aggregates", stamp)) if fresh else {}
        seconds = round(time.perf_counter() - clock, 3)
        maintenance = {}
        if _compact(con, config):
            clock = time.perf_counter()
            maintenance = maintain(con)
            maintenance["maintenance_seconds"] = round(time.perf_counter() - clock, 3)
        if not fresh:
            context.log.info("no file changed since the last pass: aggregates are up to date")
    for spec in AGGREGATE_SPECS:
        table = spec.key.to_user_string()
        meta = {"recomputed": fresh, "seconds": seconds, **maintenance}
        if table in counts:
            meta["dagster/row_count"] = counts[table]
        if table == "collocations" and fresh:
            meta["documents_derived"] = counts["collocation_documents"]  # the rest were kept
        yield dg.MaterializeResult(asset_key=table, metadata=meta)

"""The aggregate tables (one asset per SQL file of sql/aggregates/), recomputed in one pass,
and the lake's compaction after it."""

import time
from collections.abc import Iterator

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake, LakeWriter
from pipeline.lake.aggregates import aggregate_files, refresh_aggregates, sql_version, table_version
from pipeline.lake.maintenance import count_data_files, maintain
from pipeline.lake.sql import description
from pipeline.settings import COMPACT_ABOVE_FILES


class AggregatesConfig(dg.Config):
    """Run settings for the aggregate pass."""

    maintain: bool = False  # compact the lake whatever its size (the daily schedule sets it)
    # ...and compact it anyway when more Parquet files than this are live (0: only when asked)
    compact_above_files: int = COMPACT_ABOVE_FILES


AGGREGATE_SPECS = [
    dg.AssetSpec(
        path.stem,
        deps=["documents", "annotations"],
        description=f"{description(path)}\n\nSQL: sql/aggregates/{path.name}",
        code_version=table_version(path),
        automation_condition=KEEP_UP_TO_DATE,
        group_name="aggregates",
    )
    for path in aggregate_files()
]


SQL_VERSION = sql_version()


def _compact(lake: LakeWriter, config: AggregatesConfig) -> bool:
    limit = config.compact_above_files
    return config.maintain or (limit > 0 and count_data_files(lake) > limit)


@dg.multi_asset(specs=AGGREGATE_SPECS)
def aggregates(
    context: dg.AssetExecutionContext, config: AggregatesConfig, lake: dg.ResourceParam[Lake]
) -> Iterator[dg.MaterializeResult]:
    """Recompute every aggregate table by SQL over the per-document tables, in one transaction,
    so adding one file costs one file of NLP plus this cheap pass. Then compact the lake when
    more than `compact_above_files` (200) Parquet files are live (each batch commit adds a
    few), or always when `maintain` is set (the daily schedule)."""
    with lake.writer() as writer:
        stamp = writer.files_fingerprint(SQL_VERSION)
        fresh = not writer.is_up_to_date("aggregates", stamp)
        clock = time.perf_counter()
        counts = refresh_aggregates(writer, state=("aggregates", stamp)) if fresh else {}
        seconds = round(time.perf_counter() - clock, 3)
        maintenance = {}
        if _compact(writer, config):
            clock = time.perf_counter()
            maintenance = maintain(writer)
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

"""The aggregate tables (one asset per SQL file of sql/aggregates/), recomputed in one pass,
and the lake's compaction after it."""

import time
from collections.abc import Iterator

import dagster as dg

from pipeline.assets.metadata import definition_metadata, table_metadata
from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake, LakeWriter
from pipeline.lake.aggregates import (
    AGGREGATES_DIR,
    DOC_STATS,
    VIEWS_DIR,
    is_current,
    rebuild,
    sql_version,
    view_names,
)
from pipeline.lake.maintenance import count_data_files, maintain
from pipeline.lake.sql import description
from pipeline.settings import COMPACT_ABOVE_FILES


class AggregatesConfig(dg.Config):
    """Run settings for the aggregate pass."""

    maintain: bool = False  # compact the lake whatever its size (the daily schedule sets it)
    # ...and compact it anyway when more Parquet files than this are live (0: only when asked)
    compact_above_files: int = COMPACT_ABOVE_FILES


# The tables a user reads: the kept totals that are tables of their own, and the views over
# the others (the internal totals they read are documented in pipeline/schema/).
PUBLIC_TABLES = {
    "lemma_counts": AGGREGATES_DIR / "lemma_counts.sql",
    "boilerplate_rules": AGGREGATES_DIR / "boilerplate_rules.sql",
    DOC_STATS: AGGREGATES_DIR / f"{DOC_STATS}.sql",
    **{name: VIEWS_DIR / f"{name}.sql" for name in view_names()},
}
SQL_VERSION = sql_version()
AGGREGATE_SPECS = [
    dg.AssetSpec(
        name,
        deps=["documents", "annotations"],
        description=f"{description(path)}\n\nSQL: {path.relative_to(path.parents[1])}",
        metadata=definition_metadata(name),
        code_version=SQL_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
        group_name="aggregates",
    )
    for name, path in PUBLIC_TABLES.items()
]


def _compact(lake: LakeWriter, config: AggregatesConfig) -> bool:
    limit = config.compact_above_files
    return config.maintain or (limit > 0 and count_data_files(lake) > limit)


@dg.multi_asset(specs=AGGREGATE_SPECS)
def aggregates(
    context: dg.AssetExecutionContext, config: AggregatesConfig, lake: dg.ResourceParam[Lake]
) -> Iterator[dg.MaterializeResult]:
    """The aggregates are kept by difference in every batch's commit; this step rebuilds them
    only when their SQL changed (or on a lake's first run), then compacts the lake when more
    than `compact_above_files` (200) Parquet files are live (each batch commit adds a few), or
    always when `maintain` is set (the daily schedule). Every table's row count and preview are
    published either way."""
    with lake.writer(waiting=context.log.info) as writer:
        fresh = not is_current(writer)
        clock = time.perf_counter()
        if fresh:
            rebuild(writer)
        seconds = round(time.perf_counter() - clock, 3)
        maintenance = {}
        if _compact(writer, config):
            clock = time.perf_counter()
            maintenance = maintain(writer)
            maintenance["maintenance_seconds"] = round(time.perf_counter() - clock, 3)
        if not fresh:
            context.log.info("aggregates kept by each commit: nothing to rebuild")
        tables = {name: table_metadata(writer, name) for name in PUBLIC_TABLES}
    for table, metadata in tables.items():
        meta = {**metadata, "rebuilt": fresh, "seconds": seconds, **maintenance}
        yield dg.MaterializeResult(asset_key=table, metadata=meta)

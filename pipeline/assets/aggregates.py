import hashlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.resources import LakeResource
from pipeline.storage import aggregate_files, maintain, refresh_aggregates


class AggregatesConfig(dg.Config):
    """Run settings for the aggregate pass."""

    maintain: bool = False  # also compact the lake (the daily schedule sets it)


def _description(path: Path) -> str:
    """An aggregate's description is the comment atop its SQL file."""
    comments = [line[2:].strip() for line in path.read_text().splitlines() if line.startswith("--")]
    return " ".join(comments) + f"\n\nSQL: sql/aggregates/{path.name}"


AGGREGATE_SPECS = [
    dg.AssetSpec(
        path.stem,
        deps=["documents", "annotations"],
        description=_description(path),
        code_version=hashlib.sha256(path.read_bytes()).hexdigest()[:10],
        automation_condition=KEEP_UP_TO_DATE,
        group_name="aggregates",
    )
    for path in aggregate_files()
]


@dg.multi_asset(specs=AGGREGATE_SPECS)
def aggregates(
    context: dg.AssetExecutionContext, config: AggregatesConfig, lake: LakeResource
) -> Iterator[dg.MaterializeResult]:
    """Recompute every aggregate table by SQL over the per-document tables, in one transaction,
    so adding one file costs one file of NLP plus this cheap pass."""
    with lake.writer() as con:
        counts = refresh_aggregates(con)
        if config.maintain:
            files = maintain(con)
            context.log.info(f"maintenance: {files}")
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows})

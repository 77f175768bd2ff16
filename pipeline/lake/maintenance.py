"""Compaction: each batch commit adds a few Parquet files, and every query pays for each file
it opens; maintenance merges them and drops what no kept snapshot needs. Only the writer that
holds the lock runs it."""

from pipeline.lake.sql import SQL_DIR
from pipeline.lake.store import LakeWriter

# In order: flush inlined rows, merge neighbours, expire old snapshots, then delete the files
# that nothing reads any more and the orphans a killed write left.
STEPS = tuple(
    f"maintenance/{path.stem}" for path in sorted((SQL_DIR / "maintenance").glob("*.sql"))
)


def count_data_files(lake: LakeWriter) -> int:
    """Parquet files the current snapshot reads, over every table."""
    return lake.row("lake/live_data_files")[0]


def maintain(lake: LakeWriter) -> dict[str, int]:
    """Compact the lake; returns the data files before and after."""
    before = count_data_files(lake)
    for step in STEPS:
        # each step its own commit, as before, but one that says what made its snapshot
        with lake.transaction(f"maintenance: {step.split('_', 1)[1].replace('_', ' ')}"):
            lake.execute(step)
    return {"data_files_before": before, "data_files_after": count_data_files(lake)}

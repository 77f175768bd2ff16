"""The Dagster partitions: a fixed number of shards of the seeds folder, not one per file
(per-file state lives in the `files` table; docs/architecture.md, "Shards", says why)."""

import dagster as dg

from pipeline.settings import DEFAULT_SHARDS
from pipeline.stages.ingest import partition_key

SHARDS = dg.StaticPartitionsDefinition([partition_key(i) for i in range(DEFAULT_SHARDS)])
ALL_SHARDS = dg.PartitionKeyRange(SHARDS.get_first_partition_key(), SHARDS.get_last_partition_key())

# Up to date with the folder: run when an upstream shard changed, or when the code did.
KEEP_UP_TO_DATE = dg.AutomationCondition.eager() | dg.AutomationCondition.code_version_changed()

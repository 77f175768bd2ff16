import warnings

import dagster as dg

from pipeline.assets.partitions import SHARDS
from pipeline.assets.resources import FolderResource

# Observable source assets are marked beta in Dagster 1.13; the API used here is the one
# DESIGN.md measured. Keep the warning out of every command's output.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.observable_source_asset(partitions_def=SHARDS, group_name="corpus")
    def seed_files(folder: FolderResource) -> dg.DataVersionsByPartition:
        """The seeds folder, one partition per shard. A shard's data version is a hash of its
        files' paths, sizes and modification times (a listing and stat calls, no file is
        read), so it changes exactly when one of its files is added, changed or deleted."""
        return dg.DataVersionsByPartition(folder.shard_versions())

"""The seeds folder as an observable source asset, and the sensor that watches it."""

import json
import warnings
from collections.abc import Mapping

import dagster as dg

from pipeline.assets.partitions import SHARDS
from pipeline.assets.resources import FolderResource

DATA_VERSION_TAG = "dagster/data_version"  # how an observation event carries its data version

# Observable source assets are marked beta in Dagster 1.13; the API used here is the one
# the project was designed and measured on. Keep the warning out of every command's output.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.observable_source_asset(partitions_def=SHARDS, group_name="corpus")
    def seed_files(folder: FolderResource) -> dg.DataVersionsByPartition:
        """The seeds folder, one partition per shard. A shard's data version is a hash of its
        files' paths, sizes and modification times (a listing and stat calls, no file is
        read), so it changes exactly when one of its files is added, changed or deleted."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.BetaWarning)
            return dg.DataVersionsByPartition(folder.shard_versions())


def shard_observations(versions: Mapping[str, str]) -> list[dg.AssetObservation]:
    """Observations of `seed_files`, one per shard at its data version. Recorded again at the
    version already recorded, an observation is no update: nothing is requested for it."""
    return [
        dg.AssetObservation(
            asset_key=seed_files.key, partition=shard, tags={DATA_VERSION_TAG: version}
        )
        for shard, version in sorted(versions.items())
    ]


def sensor_status(running: bool) -> dg.DefaultSensorStatus:
    """How a sensor starts on an instance that never switched it: on, or off for
    CORPUS_AUTOMATION=off (a user who runs only from the command line or a test)."""
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED


def observe_seeds_sensor(interval_seconds: int, *, running: bool = True) -> dg.SensorDefinition:
    """A sensor, on from the start (unless `running` is false), that looks at the folder every
    `interval_seconds` and records a new data version for each shard whose files changed since
    its last look: the automation then requests exactly those shards. It launches no run itself."""

    @dg.sensor(
        name="observe_seeds",
        minimum_interval_seconds=interval_seconds,
        default_status=sensor_status(running),
        asset_selection=[seed_files.key],
        description=f"Every {interval_seconds} s, stat the seeds folder and record the data "
        "version of each shard whose files were added, changed or deleted "
        "(CORPUS_OBSERVE_SECONDS).",
    )
    def observe_seeds(
        context: dg.SensorEvaluationContext, folder: FolderResource
    ) -> dg.SensorResult:
        seen = json.loads(context.cursor) if context.cursor else {}
        versions = folder.shard_versions()
        changed = {shard: v for shard, v in versions.items() if seen.get(shard) != v}
        if changed:
            context.log.info(f"shards with changed files: {', '.join(sorted(changed))}")
        events = shard_observations(changed)
        return dg.SensorResult(asset_events=events, cursor=json.dumps(versions))

    return observe_seeds

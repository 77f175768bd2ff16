"""Definitions: the assets, jobs, sensors, schedule and resources of the pipeline.

`corpus_job` brings every table and the report up to date for a range of shards in one run
(the model loads once per run); `corpus run` records the folder's versions just before it, so
the automation knows they are handled. The automation is on as soon as the UI starts:
`observe_seeds` records which shards changed, `corpus_automation` requests exactly those shards
and then what depends on them, and `daily_refresh` runs `corpus_job` over all shards each night
and compacts the lake.
"""

import dagster as dg

from pipeline.assets.aggregates import aggregates
from pipeline.assets.checks import table_checks
from pipeline.assets.corpus import corpus_shards
from pipeline.assets.partitions import ALL_SHARDS, SHARDS
from pipeline.assets.report import corpus_report
from pipeline.assets.resources import FolderResource
from pipeline.assets.reuse import text_reuse
from pipeline.assets.search import search_index
from pipeline.assets.source import observe_seeds_sensor, seed_files, sensor_status
from pipeline.lake import Lake
from pipeline.run.executors import Workers
from pipeline.settings import Settings, from_environment

ASSETS = [seed_files, corpus_shards, aggregates, text_reuse, search_index, corpus_report]
UI_HOLDER = "a Dagster run (from the UI or a schedule)"
RANGE_TAGS = {
    "dagster/asset_partition_range_start": ALL_SHARDS.start,
    "dagster/asset_partition_range_end": ALL_SHARDS.end,
}

corpus_job = dg.define_asset_job(
    "corpus_job",
    selection=dg.AssetSelection.assets(
        corpus_shards, aggregates, text_reuse, search_index, corpus_report
    ),
    partitions_def=SHARDS,
    description="Bring every table and the report up to date with the seeds folder for the "
    "shards of the run.",
)
observe_job = dg.define_asset_job(
    "observe_seeds_job",
    selection=dg.AssetSelection.keys(seed_files.key),
    description="Look at the seeds folder (stat only) and record each shard's data version.",
)


@dg.schedule(
    job=corpus_job,
    cron_schedule="0 3 * * *",
    name="daily_refresh",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_refresh() -> dg.RunRequest:
    """Every night: the same sweep as `corpus run` over all shards, then lake maintenance."""
    return dg.RunRequest(
        tags=RANGE_TAGS,
        run_config={"ops": {"aggregates": {"config": {"maintain": True}}}},
    )


def automation_sensor(
    interval_seconds: int, *, running: bool = True
) -> dg.AutomationConditionSensorDefinition:
    """Evaluates every asset's automation condition (new data upstream, changed code) and
    launches the runs it asks for; on from the start (unless `running` is false), unlike
    Dagster's implicit one."""
    return dg.AutomationConditionSensorDefinition(
        "corpus_automation",
        target=dg.AssetSelection.all(),
        default_status=sensor_status(running),
        minimum_interval_seconds=interval_seconds,
        description=f"Every {interval_seconds} s, request the shards whose files changed, then "
        "the aggregates, text reuse and report (CORPUS_AUTOMATION_SECONDS).",
    )


def resources(
    settings: Settings, *, lake: Lake | None = None, workers: Workers | None = None
) -> dict[str, object]:
    """The folder, the lake and the workers; `corpus run` passes the lake it holds and the
    workers it started, the UI gets fresh ones that open and start on first use (each of its
    steps, a process of its own, waits for the lake's writer lock: pipeline/lake/lock.py)."""
    return {
        "folder": FolderResource(
            seeds_dir=str(settings.seeds_dir),
            max_bytes=settings.max_bytes,
            cleaning_params=settings.cleaning.to_json(),
        ),
        "lake": lake or Lake(settings.data_dir, holder=UI_HOLDER, wait_seconds=settings.lock_wait),
        "nlp": workers or workers_for(settings),
    }


def workers_for(settings: Settings) -> Workers:
    return Workers(
        model=settings.model,
        workers=settings.workers,
        ray_address=settings.ray_address,
        batch_docs=settings.batch_docs,
    )


def build_definitions(
    settings: Settings, *, lake: Lake | None = None, workers: Workers | None = None
) -> dg.Definitions:
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=[table_checks],
        jobs=[corpus_job, observe_job],
        schedules=[daily_refresh],
        sensors=[
            observe_seeds_sensor(settings.observe_seconds, running=settings.automation),
            automation_sensor(settings.automation_seconds, running=settings.automation),
        ],
        resources=resources(settings, lake=lake, workers=workers),
        # one step after another in one process: the corpus, aggregate and reuse steps write
        # the lake, which takes one writer at a time (in parallel they would refuse each other)
        executor=dg.in_process_executor,
    )


defs = build_definitions(from_environment())

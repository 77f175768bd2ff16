import dagster as dg

from pipeline.definitions import defs


def test_definitions_load_with_shards_jobs_and_schedules():
    keys = {key.to_user_string() for key in defs.resolve_all_asset_keys()}
    assert {"seed_files", "documents", "annotations", "entity_counts", "doc_stats"} <= keys
    job = defs.resolve_job_def("corpus_job")
    assert len(job.partitions_def.get_partition_keys()) == 16
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 3 * * *"
    documents = defs.resolve_assets_def("documents")
    assert documents.code_versions_by_key[dg.AssetKey("documents")].startswith("clean-")


def test_daily_schedule_sweeps_all_shards_and_maintains_the_lake():
    schedule = defs.resolve_schedule_def("daily_refresh")
    with dg.build_schedule_context() as context:
        request = schedule.evaluate_tick(context).run_requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == "00"
    assert request.tags["dagster/asset_partition_range_end"] == "15"
    assert request.run_config["ops"]["aggregates"]["config"]["maintain"] is True

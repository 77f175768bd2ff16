"""Declarative automation over the shards, in process with a temporary Dagster instance: a
change in the folder requests exactly its shard, and nothing changed requests nothing."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.cli.run import execute
from pipeline.definitions import RANGE_TAGS, build_definitions
from pipeline.lake import connect
from pipeline.settings import DEFAULT_SHARDS, Settings
from pipeline.stages.ingest import partition_key, shard_of
from tests.conftest import REPO

ARTICLE = "Officials in Kyiv said on Monday that talks would resume.\n\nThey gave no date.\n"


class Harness:
    """The definitions over a folder, a private instance, and the automation cursor."""

    def __init__(self, seeds: Path, data: Path) -> None:
        self.data = data
        self.defs = build_definitions(Settings(seeds, data, model="blank:en"))
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor = None

    def observe(self) -> None:
        job = self.defs.resolve_job_def("observe_seeds_job")
        assert job.execute_in_process(instance=self.instance).success

    def materialize(self, partitions: set[str] | None = None) -> None:
        job = self.defs.resolve_job_def("corpus_job")
        keys = sorted(partitions) if partitions else None
        tags = RANGE_TAGS if keys is None else {
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        }  # fmt: skip
        assert job.execute_in_process(instance=self.instance, tags=tags).success

    def requested(self) -> dict[str, set[str]]:
        result = dg.evaluate_automation_conditions(
            defs=self.defs, instance=self.instance, cursor=self.cursor
        )
        self.cursor = result.cursor
        return {
            key: set(result.get_requested_partitions(dg.AssetKey(key)))
            for key in ("documents", "annotations")
            if result.get_num_requested(dg.AssetKey(key))
        }


@pytest.fixture
def harness(seeds_copy: Path, tmp_path: Path) -> Harness:
    h = Harness(seeds_copy, tmp_path / "data")
    h.observe()
    h.materialize()
    h.requested()  # the first evaluation only sets the cursor
    return h


def _shard(name: str) -> str:
    return partition_key(shard_of(name, DEFAULT_SHARDS))


def test_nothing_changed_requests_nothing(harness: Harness):
    harness.observe()
    assert harness.requested() == {}


def test_added_changed_and_deleted_files_request_their_shard(harness: Harness, seeds_copy: Path):
    new = seeds_copy / "new_article.txt"
    new.write_text("A new article\n\n" + ARTICLE)
    harness.observe()
    shard = _shard(new.name)
    assert harness.requested() == {"documents": {shard}, "annotations": {shard}}
    harness.materialize({shard})
    assert _doc_ids(harness) >= {"new_article.txt"}

    harness.observe()
    assert harness.requested() == {}

    victim = "000_091a0a5e8adf2034.txt"
    (seeds_copy / victim).unlink()
    harness.observe()
    assert harness.requested() == {"documents": {_shard(victim)}, "annotations": {_shard(victim)}}
    harness.materialize({_shard(victim)})
    assert victim not in _doc_ids(harness)


def _doc_ids(harness: Harness) -> set[str]:
    with connect(harness.data) as con:
        return {row[0] for row in con.execute("SELECT doc_id FROM documents").fetchall()}


def _look(harness: Harness, cursor: str | None) -> tuple[str, set[str]]:
    """One tick of the observe_seeds sensor, its observations recorded as the daemon does."""
    sensor = harness.defs.resolve_sensor_def("observe_seeds")
    folder = harness.defs.resources["folder"]
    context = dg.build_sensor_context(
        instance=harness.instance, cursor=cursor, resources={"folder": folder}
    )
    result = sensor(context)
    for event in result.asset_events:
        harness.instance.report_runless_asset_event(event)
    return result.cursor, {event.partition for event in result.asset_events}


def test_the_sensor_reports_changed_shards_and_the_automation_requests_them(
    seeds_copy: Path, tmp_path: Path
):
    harness = Harness(seeds_copy, tmp_path / "data")
    harness.observe()  # as `corpus run` does before its run
    harness.materialize()
    harness.requested()
    cursor, shards = _look(harness, None)
    assert shards == {partition_key(s) for s in range(DEFAULT_SHARDS)}  # a first look: all
    assert harness.requested() == {}  # ...at the versions the run already handled

    cursor, shards = _look(harness, cursor)
    assert shards == set()
    new = seeds_copy / "dropped.txt"
    new.write_text("A dropped article\n\n" + ARTICLE)
    cursor, shards = _look(harness, cursor)
    assert shards == {_shard(new.name)}
    assert harness.requested() == {"documents": shards, "annotations": shards}


def test_automation_and_observation_are_on_from_the_start():
    defs = build_definitions(Settings(Path("seeds"), Path("data"), observe_seconds=7))
    observe = defs.resolve_sensor_def("observe_seeds")
    automation = defs.resolve_sensor_def("corpus_automation")
    assert observe.default_status == dg.DefaultSensorStatus.RUNNING
    assert observe.minimum_interval_seconds == 7
    assert automation.default_status == dg.DefaultSensorStatus.RUNNING
    assert automation.asset_selection == dg.AssetSelection.all()
    schedule = defs.resolve_schedule_def("daily_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_after_corpus_run_the_first_look_requests_nothing(
    seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`corpus run` records the folder's versions, so the UI started after it launches no run."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    harness = Harness(seeds_copy, tmp_path / "data")
    assert execute(Settings(seeds_copy, tmp_path / "data", model="blank:en")).success
    harness.instance = dg.DagsterInstance.get()
    harness.requested()
    _, shards = _look(harness, None)
    assert len(shards) == DEFAULT_SHARDS
    assert harness.requested() == {}

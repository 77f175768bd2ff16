"""The real UI server, `dagster dev` on a free loopback port, left alone as a user leaves it: its
automation fills the lake from the folder, takes in a file dropped into the folder within one
look and a run or two, and a run launched through GraphQL still succeeds beside it."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.lake import LakeError, NoLakeError, connect
from tests.ui.dagster_dev import DagsterDev, dagster_dev, private_home

pytestmark = pytest.mark.slow
LOOK_SECONDS = 3  # the observation and automation intervals of this test (defaults: 30 s, 10 s)
# Each automation step is a run of its own process (start, definitions, the model): generous
# on a loaded two-core machine; the measured times are printed.
FIRST_FILL_SECONDS = 300
DROPPED_FILE_SECONDS = 240
RUN_SECONDS = 300
ARTICLE = (
    "Talks resume in Minsk\n\nOfficials in Kyiv said on Monday that talks would resume after a "
    "week of fighting near the border.\n\nThey gave no date for the next round of the talks.\n"
)
ASSETS_QUERY = """{ assetNodes { assetKey { path } partitionKeysByDimension { partitionKeys } } }"""
AUTOMATION_QUERY = """query($repo: RepositorySelector!) {
  sensorsOrError(repositorySelector: $repo) { ... on Sensors {
    results { name minIntervalSeconds sensorState { status } } } }
  schedulesOrError(repositorySelector: $repo) { ... on Schedules {
    results { name scheduleState { status } } } } }"""


@pytest.fixture
def ui(tmp_path: Path, seeds_copy: Path) -> Iterator[DagsterDev]:
    env = {
        "CORPUS_SEEDS": str(seeds_copy),
        "CORPUS_DATA": str(tmp_path / "data"),
        "CORPUS_MODEL": "blank:en",  # the real model is covered by the seeds end-to-end test
        "CORPUS_OBSERVE_SECONDS": str(LOOK_SECONDS),
        "CORPUS_AUTOMATION_SECONDS": str(LOOK_SECONDS),
    }
    home = private_home(tmp_path / "dagster_home")
    with dagster_dev(home, env, tmp_path / "dagster_dev.log") as server:
        yield server


def test_the_ui_keeps_the_tables_in_step_with_the_folder_unattended(
    ui: DagsterDev, tmp_path: Path, seeds_copy: Path
):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in ui.graphql(ASSETS_QUERY)["assetNodes"]}
    assert {"seed_files", "documents", "annotations", "entity_counts", "corpus_report"} <= set(
        nodes
    )
    shards = nodes["documents"]["partitionKeysByDimension"][0]["partitionKeys"]
    assert shards == [f"{i:02d}" for i in range(16)]
    automation = ui.graphql(AUTOMATION_QUERY, {"repo": ui.repository()})
    sensors = {s["name"]: s for s in automation["sensorsOrError"]["results"]}
    assert {name: s["sensorState"]["status"] for name, s in sensors.items()} == {
        "observe_seeds": "RUNNING",
        "corpus_automation": "RUNNING",
    }
    assert sensors["observe_seeds"]["minIntervalSeconds"] == LOOK_SECONDS
    schedules = automation["schedulesOrError"]["results"]
    assert [(s["name"], s["scheduleState"]["status"]) for s in schedules] == [
        ("daily_refresh", "RUNNING")
    ]

    # Nobody launches anything: the first look finds every shard new and the automation fills
    # the tables, then the aggregates and the report.
    data = tmp_path / "data"
    started = time.monotonic()
    _wait_for(data, "SELECT count(*) FROM documents WHERE status = 'ok'", 3, FIRST_FILL_SECONDS)
    _wait_for(data, "SELECT count(*) FROM doc_stats", 3, FIRST_FILL_SECONDS)
    print(f"seeds in the aggregates {time.monotonic() - started:.0f} s after the UI was up")

    (seeds_copy / "dropped.txt").write_text(ARTICLE)
    dropped = time.monotonic()
    query = "SELECT count(*) FROM {} WHERE doc_id = 'dropped.txt'"
    _wait_for(data, query.format("documents"), 1, DROPPED_FILE_SECONDS)
    in_documents = time.monotonic() - dropped
    _wait_for(data, query.format("doc_stats"), 1, DROPPED_FILE_SECONDS)
    print(f"dropped file: in documents after {in_documents:.0f} s, "
          f"in doc_stats after {time.monotonic() - dropped:.0f} s")  # fmt: skip

    # A run launched by hand beside the automation: queued behind it, then successful.
    tags = {
        "dagster/asset_partition_range_start": "00",
        "dagster/asset_partition_range_end": "15",
    }
    assert ui.wait_for_run(ui.launch("corpus_job", tags), RUN_SECONDS) == "SUCCESS"
    assert (data / "report.html").read_text().startswith("<!DOCTYPE html>")


def _wait_for(data: Path, query: str, expected: int, seconds: float) -> None:
    """Poll the lake (read-only, a connection per look) until `query` counts `expected`."""
    deadline = time.monotonic() + seconds
    found = None
    while time.monotonic() < deadline:
        try:
            with connect(data) as con:
                found = con.execute(query).fetchone()[0]
        except (LakeError, NoLakeError):  # no lake or no such table yet
            found = None
        if found == expected:
            return
        time.sleep(1)
    pytest.fail(f"{query!r} gave {found}, not {expected}, within {seconds} s")

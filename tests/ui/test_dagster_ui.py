"""Smoke test of the real UI server: `dagster dev` on a free loopback port, its GraphQL API,
and one materialization launched through it."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.lake import connect
from tests.conftest import REPO
from tests.ui.dagster_dev import dagster_dev, graphql, launch_corpus_job, wait_for_run

pytestmark = pytest.mark.slow
RUN_SECONDS = 240

ASSETS_QUERY = """{ assetNodes { assetKey { path } partitionKeysByDimension { partitionKeys } } }"""


@pytest.fixture
def ui(tmp_path: Path, seeds_copy: Path) -> Iterator[int]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "CORPUS_SEEDS": str(seeds_copy),
        "CORPUS_DATA": str(tmp_path / "data"),
        "CORPUS_MODEL": "blank:en",  # the real model is covered by the seeds end-to-end test
    }
    with dagster_dev(env) as port:
        yield port


def test_ui_serves_the_graph_and_runs_a_materialization(ui: int, tmp_path: Path):
    nodes = graphql(ui, ASSETS_QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    assert {"seed_files", "documents", "annotations", "entity_counts"} <= set(keys)
    shards = keys["documents"]["partitionKeysByDimension"][0]["partitionKeys"]
    assert shards == [f"{i:02d}" for i in range(16)]

    run_id = launch_corpus_job(ui)
    assert wait_for_run(ui, run_id, RUN_SECONDS) == "SUCCESS"
    with connect(tmp_path / "data") as con:
        assert con.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone() == (3,)

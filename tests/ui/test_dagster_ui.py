"""Smoke test of the real UI server: `dagster dev` on a free loopback port, its GraphQL API,
and one materialization launched through it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.lake import connect
from tests.conftest import REPO

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 120
RUN_SECONDS = 240

ASSETS_QUERY = """{ assetNodes { assetKey { path } partitionKeysByDimension { partitionKeys } } }"""
REPOS_QUERY = """{ repositoriesOrError { ... on RepositoryConnection {
  nodes { name location { name } } } } }"""
LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "dagster dev exited during start-up"
        try:
            if _graphql(port, REPOS_QUERY)["repositoriesOrError"]["nodes"]:
                return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"dagster dev did not answer within {STARTUP_SECONDS}s")


@pytest.fixture
def ui(tmp_path: Path, seeds_copy: Path) -> Iterator[int]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "CORPUS_SEEDS": str(seeds_copy),
        "CORPUS_DATA": str(tmp_path / "data"),
        "CORPUS_MODEL": "blank:en",  # the real model is covered by the seeds end-to-end test
    }
    dagster = str(Path(sys.executable).parent / "dagster")
    command = ["env", "--default-signal=INT,TERM", dagster, "dev", "-w", "workspace.yaml"]
    server = subprocess.Popen(
        [*command, "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so its children stop with it
    )
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its webserver and daemon children, by our own process group id."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


def test_ui_serves_the_graph_and_runs_a_materialization(ui: int, tmp_path: Path):
    nodes = _graphql(ui, ASSETS_QUERY)["assetNodes"]
    keys = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    assert {"seed_files", "documents", "annotations", "entity_counts"} <= set(keys)
    shards = keys["documents"]["partitionKeysByDimension"][0]["partitionKeys"]
    assert shards == [f"{i:02d}" for i in range(16)]

    repo = _graphql(ui, REPOS_QUERY)["repositoriesOrError"]["nodes"][0]
    params = {
        "selector": {
            "repositoryLocationName": repo["location"]["name"],
            "repositoryName": repo["name"],
            "jobName": "corpus_job",
        },
        "executionMetadata": {
            "tags": [
                {"key": "dagster/asset_partition_range_start", "value": "00"},
                {"key": "dagster/asset_partition_range_end", "value": "15"},
            ]
        },
    }
    launched = _graphql(ui, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + RUN_SECONDS
    status = None
    while time.monotonic() < deadline:
        status = _graphql(ui, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in {"SUCCESS", "FAILURE", "CANCELED"}:
            break
        time.sleep(2)
    assert status == "SUCCESS"
    with connect(tmp_path / "data") as con:
        assert con.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone() == (3,)

"""The real UI server for tests: `dagster dev` on a free loopback port, driven through its
GraphQL API, and stopped by its own process group id."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO

STARTUP_SECONDS = 120
REPOS_QUERY = """{ repositoriesOrError { ... on RepositoryConnection {
  nodes { name location { name } } } } }"""
LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""
LOGS = """query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection {
  events { __typename ... on MessageEvent { message stepKey } } } } }"""
ENDED = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@contextmanager
def dagster_dev(env: dict[str, str]) -> Iterator[int]:
    """`dagster dev` over the project's workspace with `env`; its port once it answers."""
    port = free_port()
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


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, "dagster dev exited during start-up"
        try:
            if graphql(port, REPOS_QUERY)["repositoriesOrError"]["nodes"]:
                return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"dagster dev did not answer within {STARTUP_SECONDS}s")


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


def launch_corpus_job(port: int) -> str:
    """Launch `corpus_job` over every shard, as the UI's Materialize all does; its run id."""
    repo = graphql(port, REPOS_QUERY)["repositoriesOrError"]["nodes"][0]
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
    launched = graphql(port, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def run_status(port: int, run_id: str) -> str:
    return graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]


def wait_for_run(port: int, run_id: str, seconds: float) -> str:
    """The run's status once it ended, or its last one after `seconds`."""
    deadline = time.monotonic() + seconds
    status = run_status(port, run_id)
    while status not in ENDED and time.monotonic() < deadline:
        time.sleep(2)
        status = run_status(port, run_id)
    return status


def run_messages(port: int, run_id: str) -> list[str]:
    """The messages of the run's event log (what the UI shows in its log view)."""
    events = graphql(port, LOGS, {"id": run_id})["logsForRun"].get("events", [])
    return [event["message"] for event in events if event.get("message")]

"""`dagster dev` for a test: the project's workspace served on a free loopback port with a
private instance, its GraphQL API, and its stop by its own process group."""

import contextlib
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
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO

STARTUP_SECONDS = 180
REPOS_QUERY = """{ repositoriesOrError { ... on RepositoryConnection {
  nodes { name location { name } } } } }"""
LAUNCH = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"""
STARTED_RUNS = """{ runsOrError(filter: {statuses: [STARTED]}) { ... on Runs {
  results { runId } } } }"""
LOGS = """query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection {
  events { __typename ... on MessageEvent { message stepKey } } } } }"""
EVERY_SHARD = {
    "dagster/asset_partition_range_start": "00",
    "dagster/asset_partition_range_end": "15",
}


class DagsterDev:
    """A running `dagster dev`: its address and its GraphQL API."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(f"{self.url}/graphql", body, headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["data"]

    def repository(self) -> dict[str, str]:
        """The selector of the project's one repository."""
        repo = self.graphql(REPOS_QUERY)["repositoriesOrError"]["nodes"][0]
        return {"repositoryLocationName": repo["location"]["name"], "repositoryName": repo["name"]}

    def launch(self, job: str, tags: dict[str, str]) -> str:
        params = {
            "selector": {**self.repository(), "jobName": job},
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
        }
        launched = self.graphql(LAUNCH, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        return launched["run"]["runId"]

    def started_runs(self) -> list[str]:
        """The ids of the instance's runs in progress (a `corpus run` on it is one)."""
        return [r["runId"] for r in self.graphql(STARTED_RUNS)["runsOrError"]["results"]]

    def status(self, run_id: str) -> str:
        return self.graphql(STATUS, {"id": run_id})["runOrError"]["status"]

    def wait_for_run(self, run_id: str, seconds: float) -> str:
        """The run's final status, or its last one after `seconds`."""
        deadline = time.monotonic() + seconds
        status = None
        while time.monotonic() < deadline:
            status = self.status(run_id)
            if status in {"SUCCESS", "FAILURE", "CANCELED"}:
                break
            time.sleep(2)
        return status

    def messages(self, run_id: str) -> list[str]:
        """The messages of the run's event log (what the UI shows in its log view)."""
        events = self.graphql(LOGS, {"id": run_id})["logsForRun"].get("events", [])
        return [event["message"] for event in events if event.get("message")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_home(home: Path) -> Path:
    """A Dagster instance folder with the project's settings (telemetry off, one run at once)."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


@contextmanager
def instance_home(home: Path) -> Iterator[Path]:
    """DAGSTER_HOME set to a private instance in `home` for the block (`corpus run` in this
    process records its runs there), restored after."""
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(private_home(home))
    try:
        yield home
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous


@contextmanager
def dagster_dev(home: Path, env: dict[str, str], log: Path) -> Iterator[DagsterDev]:
    """`dagster dev` over the instance in `home` with the CORPUS_* settings in `env`, its
    output in `log`; stopped with its webserver, daemon and code servers when the block ends."""
    port = free_port()
    dagster = str(Path(sys.executable).parent / "dagster")
    command = ["env", "--default-signal=INT,TERM", dagster, "dev", "-w", "workspace.yaml"]
    with open(log, "w") as output:
        server = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=os.environ | env | {"DAGSTER_HOME": str(home)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so its children stop with it
        )
    try:
        ui = DagsterDev(port, log)
        _wait_until_up(ui, server)
        yield ui
    finally:
        _stop(server)


def _wait_until_up(ui: DagsterDev, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"dagster dev exited during start-up; see {ui.log}"
        try:
            if ui.graphql(REPOS_QUERY)["repositoriesOrError"]["nodes"]:
                return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"dagster dev did not answer within {STARTUP_SECONDS}s; see {ui.log}")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its webserver, daemon, code servers and runs: its own process group
    (its id is the server's pid), politely, then by force after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while _group_alive(server) and time.monotonic() < deadline:
        time.sleep(0.5)
    if _group_alive(server):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


def _group_alive(server: subprocess.Popen) -> bool:
    server.poll()  # reap the leader, else its zombie keeps the group "alive"
    try:
        os.killpg(server.pid, 0)
    except ProcessLookupError:
        return False
    return True

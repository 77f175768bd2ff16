"""The report over the seeds, opened in headless Chromium driven over the DevTools protocol:
no console errors, no network request, every chart drawn at a non-zero size, and a full-page
screenshot saved to artifacts/report.png."""

import base64
import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from websockets.sync.client import ClientConnection, connect

from pipeline.cli import main
from pipeline.explore.report import build_report, write_html
from pipeline.lake import Lake
from tests.conftest import REPO, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1200,900",
)
CHARTS = ("documents-per-day", "top-entities", "entity-timelines", "removed-lines")
SCREENSHOT = REPO / "artifacts" / "report.png"
TIMEOUT = 30.0
CHART_SIZES = """JSON.stringify(Array.from(document.querySelectorAll('figure.chart'), figure => {
    const r = figure.querySelector('svg').getBoundingClientRect();
    return [figure.id, r.width, r.height];
}))"""


class DevTools:
    """A minimal DevTools-protocol client: one page session, events kept for inspection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        self.session: str | None = None

    def send(self, method: str, **params: object) -> dict:
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        self.socket.send(json.dumps(message))
        while True:
            reply = self._receive()
            if reply.get("id") == message_id:
                assert "error" not in reply, reply["error"]
                return reply.get("result", {})

    def wait_for(self, method: str) -> dict:
        while True:
            event = next((e for e in self.events if e["method"] == method), None) or self._receive()
            if event.get("method") == method:
                return event

    def _receive(self) -> dict:
        message = json.loads(self.socket.recv(timeout=TIMEOUT))
        if "method" in message:
            self.events.append(message)
        return message

    def named(self, *methods: str) -> list[dict]:
        return [e for e in self.events if e["method"] in methods]


@contextmanager
def _dagster_home(home: Path) -> Iterator[None]:
    """A throw-away Dagster instance with telemetry off, for the duration of the block."""
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = previous


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    data = tmp_path_factory.mktemp("lake") / "data"
    with _dagster_home(tmp_path_factory.mktemp("dagster_home")):
        assert main(["run", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    page = tmp_path_factory.mktemp("report") / "report.html"
    with Lake(data).reader() as reader:
        write_html(page, build_report(reader).html)
    return page


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[DevTools]:
    """Chromium started for this test only, on a loopback port, stopped by its process id."""
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, led by its own pid
    )
    try:
        port, path = _devtools_address(profile / "DevToolsActivePort", process)
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None, proxy=None) as socket:
            yield DevTools(socket)
    finally:
        _stop(process)


def _devtools_address(port_file: Path, process: subprocess.Popen) -> tuple[int, str]:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chromium exited with status {process.returncode}")
        lines = port_file.read_text().splitlines() if port_file.exists() else []
        if len(lines) >= 2:
            return int(lines[0]), lines[1]
        time.sleep(0.1)
    pytest.fail("chromium did not open its DevTools port")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_report_renders_offline_without_errors(report_page: Path, chromium: DevTools):
    target = chromium.send("Target.createTarget", url="about:blank")["targetId"]
    chromium.session = chromium.send("Target.attachToTarget", targetId=target, flatten=True)[
        "sessionId"
    ]
    for domain in ("Runtime", "Log", "Page", "Network"):
        chromium.send(f"{domain}.enable")
    chromium.send("Page.navigate", url=report_page.as_uri())
    chromium.wait_for("Page.loadEventFired")

    result = chromium.send("Runtime.evaluate", expression=CHART_SIZES, returnByValue=True)
    sizes = {name: (w, h) for name, w, h in json.loads(result["result"]["value"])}
    assert set(sizes) == {f"chart-{chart}" for chart in CHARTS}
    assert all(w > 100 and h > 50 for w, h in sizes.values()), sizes

    errors = [
        e
        for e in chromium.named(
            "Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"
        )
        if e["method"] == "Runtime.exceptionThrown"
        or e["params"].get("type") in {"error", "assert"}
        or e["params"].get("entry", {}).get("level") == "error"
    ]
    assert errors == []
    requested = [e["params"]["request"]["url"] for e in chromium.named("Network.requestWillBeSent")]
    assert all(url.startswith(("file:", "data:")) for url in requested), requested

    _screenshot(chromium, SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 10_000


def _screenshot(chromium: DevTools, path: Path) -> None:
    size = chromium.send("Page.getLayoutMetrics")["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = chromium.send(
        "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))

"""Headless Chromium driven over the DevTools protocol with `websockets`: started on a loopback
port for one test, one page session, events kept for inspection, stopped by its process id."""

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
)
TIMEOUT = 30.0


class DevTools:
    """A minimal DevTools-protocol client: one page session, events kept for inspection."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict] = []
        self.session: str | None = None

    def open_page(self) -> None:
        """A new page to drive, with the domains whose events the tests read."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.send(f"{domain}.enable")

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

    def navigate(self, url: str) -> None:
        """Open `url` and wait for its load event."""
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> object:
        """The value of a JavaScript expression in the page."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_js(self, expression: str, seconds: float = 60.0) -> object:
        """Poll a JavaScript expression until it is truthy; its value (None at the deadline)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.2)
        return None

    def resize(self, width: int, height: int) -> None:
        """The page's viewport from now on (a page that scrolls inside shows only that)."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def screenshot(self, path: Path) -> None:
        """The whole page, beyond the window, as a PNG."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.send(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@contextmanager
def chromium(profile: Path, window: str = "1200,900") -> Iterator[DevTools]:
    """Chromium started for the block only, on a loopback port, stopped by its process id."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    (profile / "DevToolsActivePort").unlink(missing_ok=True)  # a reused profile's stale port
    process = subprocess.Popen(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--window-size={window}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
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

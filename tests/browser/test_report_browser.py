"""The report over the seeds, opened in headless Chromium driven over the DevTools protocol:
no console errors, no network request, every chart drawn at a non-zero size, and a full-page
screenshot saved to artifacts/report.png."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.explore.report import build_report, write_html
from pipeline.lake import Lake
from tests.browser.devtools import CHROMIUM, DevTools, chromium
from tests.conftest import REPO, SEEDS
from tests.ui.dagster_dev import instance_home

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHARTS = ("documents-per-day", "top-entities", "entity-timelines", "removed-lines")
SCREENSHOT = REPO / "artifacts" / "report.png"
CHART_SIZES = """JSON.stringify(Array.from(document.querySelectorAll('figure.chart'), figure => {
    const r = figure.querySelector('svg').getBoundingClientRect();
    return [figure.id, r.width, r.height];
}))"""


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    data = tmp_path_factory.mktemp("lake") / "data"
    with instance_home(tmp_path_factory.mktemp("dagster_home")):
        assert main(["run", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    page = tmp_path_factory.mktemp("report") / "report.html"
    with Lake(data).reader() as reader:
        write_html(page, build_report(reader).html)
    return page


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    with chromium(tmp_path / "profile") as devtools:
        yield devtools


def test_report_renders_offline_without_errors(report_page: Path, browser: DevTools):
    browser.open_page()
    browser.navigate(report_page.as_uri())

    result = browser.send("Runtime.evaluate", expression=CHART_SIZES, returnByValue=True)
    sizes = {name: (w, h) for name, w, h in json.loads(result["result"]["value"])}
    assert set(sizes) == {f"chart-{chart}" for chart in CHARTS}
    assert all(w > 100 and h > 50 for w, h in sizes.values()), sizes

    errors = [
        e
        for e in browser.named(
            "Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"
        )
        if e["method"] == "Runtime.exceptionThrown"
        or e["params"].get("type") in {"error", "assert"}
        or e["params"].get("entry", {}).get("level") == "error"
    ]
    assert errors == []
    requested = [e["params"]["request"]["url"] for e in browser.named("Network.requestWillBeSent")]
    assert all(url.startswith(("file:", "data:")) for url in requested), requested

    browser.screenshot(SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 10_000

"""The Dagster UI as a user finds it after `make run` and a second run that changed nothing:
headless Chromium against the real `dagster dev`, on the seeds with the real model. The lineage
shows every group materialized, `entity_counts` its columns with their meanings and its row
count, and the plots of `documents` the files of each run; every table asset carries columns, a
row count and a preview. Screenshots go to artifacts/ui-*.png for review."""

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.assets.metadata import ASSET_TABLES, SCHEMAS
from pipeline.cli import main
from pipeline.definitions import defs
from pipeline.lake import connect
from pipeline.schema import description_of
from tests.browser.devtools import CHROMIUM, DevTools, chromium
from tests.conftest import REPO, SEEDS
from tests.ui.dagster_dev import DagsterDev, dagster_dev, instance_home

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = REPO / "artifacts"
TALL = (1400, 2000)  # asset pages scroll inside the page: a tall viewport shows more of them
MATERIALIZATIONS = """{ assetNodes { assetKey { path } metadataEntries { label __typename }
  assetMaterializations(limit: 1) { metadataEntries { label __typename
    ... on IntMetadataEntry { intValue } ... on MarkdownMetadataEntry { mdStr } } } } }"""
# Each collapsed group of the lineage: its name and its status tags (colour, count).
GROUP_NODES = """[...document.querySelectorAll('[class*=CollapsedGroupNode_collapsedGroupNodeBox]')]
  .map(g => [g.innerText.split('\\n')[0], [...g.querySelectorAll('.BaseTag')].map(
    t => [t.style.getPropertyValue('--tag-fill-color').trim(), t.innerText.trim()])])"""
# The Columns section: the table whose header reads "Column name | Type | Description".
COLUMNS = """(() => {
  const table = [...document.querySelectorAll('table')]
    .find(t => (t.querySelector('thead') || t).innerText.includes('Column name'));
  if (!table) return null;
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => {
    const td = tr.querySelectorAll('td');
    return [td[0].querySelector('span').textContent.trim(), td[1].innerText.trim(),
            td[2].innerText.trim()];
  });
  return rows.length && rows.every(r => r[2]) ? rows : null;  // meanings render a moment later
})()"""
ROW_COUNT = """(() => {
  const label = [...document.querySelectorAll('span')]
    .find(e => e.textContent.trim() === 'Row count');
  return label ? label.parentElement.querySelector('.BaseTag').innerText.trim() : null;
})()"""
CLICK = """(name => {{ const b = [...document.querySelectorAll('button')]
  .find(b => b.innerText.trim() === name); if (b) b.click(); return !!b; }})('{}')"""
PLOT_TITLES = """(() => {
  if (!document.querySelectorAll('canvas').length) return null;
  const titles = [...document.querySelectorAll('*')].filter(e => e.childElementCount === 0)
    .map(e => e.textContent.trim()).filter(t => t.startsWith('files_'));
  return titles.length ? titles : null;
})()"""


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DagsterDev, Path]]:
    """`make run`, a second run, then `make ui` on the same instance and lake."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    home = tmp_path_factory.mktemp("dagster_home")
    data = tmp_path_factory.mktemp("lake") / "data"
    with instance_home(home):
        for _ in range(2):
            assert main(["run", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    env = {"CORPUS_SEEDS": str(SEEDS), "CORPUS_DATA": str(data)}
    log = tmp_path_factory.mktemp("logs") / "dagster_dev.log"
    with dagster_dev(home, env, log) as server:
        yield server, data


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    with chromium(tmp_path / "profile", window="1400,1000") as devtools:
        devtools.open_page()
        yield devtools


def test_every_table_asset_has_columns_a_row_count_and_a_preview(ui: tuple[DagsterDev, Path]):
    server, _ = ui
    nodes = {
        "/".join(node["assetKey"]["path"]): node
        for node in server.graphql(MATERIALIZATIONS)["assetNodes"]
    }
    for asset in ASSET_TABLES:
        definition = {e["label"]: e["__typename"] for e in nodes[asset]["metadataEntries"]}
        assert definition["dagster/column_schema"] == "TableSchemaMetadataEntry", asset
        latest = {
            e["label"]: e for e in nodes[asset]["assetMaterializations"][0]["metadataEntries"]
        }
        assert latest["dagster/row_count"]["intValue"] > 0, asset
        assert latest["preview"]["mdStr"].startswith("| "), asset


def test_the_lineage_shows_every_group_materialized(ui: tuple[DagsterDev, Path], browser):
    server, _ = ui
    browser.navigate(f"{server.url}/asset-groups")
    graph = defs.resolve_asset_graph()
    expected = Counter(graph.get(key).group_name for key in graph.get_all_asset_keys())
    drawn = f"g.length === {len(expected)} && g.every(([_, tags]) => tags.length)"
    groups = browser.wait_js(f"(() => {{ const g = {GROUP_NODES}; return {drawn} ? g : null; }})()")
    time.sleep(1)  # the edges settle
    browser.screenshot(SHOTS / "ui-lineage.png")
    green = "var(--color-background-green)"
    assert dict(groups or []) == {name: [[green, str(n)]] for name, n in expected.items()}


def test_entity_counts_shows_its_columns_and_row_count(ui: tuple[DagsterDev, Path], browser):
    server, data = ui
    browser.resize(*TALL)
    browser.navigate(f"{server.url}/assets/entity_counts?view=overview")
    columns = browser.wait_js(COLUMNS)
    row_count = browser.wait_js(ROW_COUNT)
    browser.screenshot(SHOTS / "ui-entity-counts.png")
    declared = SCHEMAS["entity_counts"]
    assert columns == [[f.name, str(f.type), description_of(f)] for f in declared]
    with connect(data) as con:
        rows = con.execute("SELECT count(*) FROM entity_counts").fetchone()[0]
    assert row_count is not None and int(row_count.replace(",", "")) == rows > 100


def test_the_plots_of_documents_show_the_files_of_each_run(ui: tuple[DagsterDev, Path], browser):
    server, _ = ui
    browser.resize(*TALL)
    browser.navigate(f"{server.url}/assets/documents?view=overview")
    assert browser.wait_js(CLICK.format("Plots"))
    assert browser.wait_js(CLICK.format("Events"))  # over the runs, not over the shards
    titles = browser.wait_js(PLOT_TITLES)
    browser.js(
        "[...document.querySelectorAll('div')]"
        ".find(d => d.innerText.trim() === 'files_processed').scrollIntoView()"
    )
    browser.screenshot(SHOTS / "ui-documents-plots.png")
    assert {"files_new", "files_processed", "files_rejected", "files_deleted"} <= set(titles)

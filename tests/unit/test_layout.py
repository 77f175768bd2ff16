"""The tree keeps its architecture: pure stages, one door to DuckDB, the benchmark apart, and
modules and functions a reader can hold in mind."""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PIPELINE = REPO / "pipeline"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|WITH)\b.*\b(FROM|INTO|TABLE|AS)\b", re.S
)


def _modules(folder: Path = PIPELINE) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _imports(tree: ast.AST, *, top_level_only: bool = False) -> set[str]:
    """The modules a tree imports (at its top level only, or anywhere)."""
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_only_the_lake_speaks_duckdb():
    speaking = {
        _name(path)
        for path in _modules()
        if any(m.split(".")[0] == "duckdb" for m in _imports(_tree(path)))
    }
    assert speaking and all(name.startswith("pipeline/lake/") for name in speaking), speaking


def test_the_stages_know_nothing_of_dagster_the_lake_the_run_or_the_command_line():
    outside = (
        "dagster",
        "duckdb",
        "pipeline.lake",
        "pipeline.run",
        "pipeline.assets",
        "pipeline.cli",
    )
    for path in _modules(PIPELINE / "stages"):
        wrong = {m for m in _imports(_tree(path)) if m.startswith(outside)}
        assert not wrong, (_name(path), wrong)


def test_the_product_loads_the_benchmark_only_when_asked():
    for path in _modules():
        tree = _tree(path)
        assert not {m for m in _imports(tree, top_level_only=True) if m.startswith("bench")}, path
        if _name(path) != "pipeline/cli/measure.py":  # `corpus bench` and the evaluations
            assert not {m for m in _imports(tree) if m.startswith("bench")}, path


def test_sql_lives_in_sql_files_outside_the_lake():
    for path in _modules():
        if _name(path).startswith("pipeline/lake/"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.match(node.value), (_name(path), node.value[:60])


@pytest.mark.parametrize("folder", ["pipeline", "bench"])
def test_modules_and_functions_stay_small(folder: str):
    for path in _modules(REPO / folder):
        lines = path.read_text().count("\n")
        assert lines <= MAX_MODULE_LINES, (_name(path), lines)
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= MAX_FUNCTION_LINES, (_name(path), node.name, length)

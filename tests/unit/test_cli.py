"""The `corpus` command's module stays light: worker processes spawned by `corpus run` import
it (their parent's main module) before they load spaCy."""

import importlib
import inspect
import subprocess
import sys

import pytest

from pipeline.cli import _handle, build_parser

HEAVY = ("dagster", "matplotlib", "spacy", "polars", "trafilatura")


def _modules_loaded_by(module: str) -> list[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return run.stdout.split()


def test_importing_the_command_loads_no_heavy_package():
    loaded = _modules_loaded_by("pipeline.cli")
    assert "pipeline.cli" in loaded
    assert [name for name in HEAVY if name in loaded] == []


@pytest.mark.parametrize(
    ("argv", "module", "function"),
    [
        (["run"], "pipeline.cli.run", "run"),
        (["backfill", "--all"], "pipeline.cli.run", "backfill"),
        (["sql", "select 1"], "pipeline.cli.query", "sql"),
        (["bench"], "pipeline.cli.measure", "bench"),
        (["bench-ray"], "pipeline.cli.measure", "bench_ray"),
        (["eval-cleaning"], "pipeline.cli.measure", "eval_cleaning"),
        (["search", "oil"], "pipeline.cli.explore", "search_command"),
        (["kwic", "oil"], "pipeline.cli.explore", "kwic_command"),
        (["report"], "pipeline.cli.explore", "report_command"),
    ],
)
def test_each_subcommand_has_a_handler_in_its_group_module(argv, module, function):
    args = build_parser().parse_args(argv)
    group = importlib.import_module(module)
    assert group.HANDLERS[args.command] is getattr(group, function)
    package, name = module.rsplit(".", 1)
    assert f"from {package} import {name} as group" in inspect.getsource(_handle)


def test_the_parent_of_worker_processes_loads_no_spacy():
    # it plans and commits batches; spaCy (~0.7 s to import, and its memory) is the workers'
    loaded = _modules_loaded_by("pipeline.definitions")
    assert "pipeline.run.executors" in loaded and "pipeline.run.engine" in loaded
    assert [name for name in loaded if name.split(".")[0] in ("spacy", "thinc")] == []


def test_a_worker_loads_no_html_extractor_until_a_page_comes():
    # what a worker process imports to run batches: trafilatura (~0.4 s) only with HTML
    loaded = _modules_loaded_by("pipeline.run.batches")
    assert "pipeline.stages.extract" in loaded
    assert "trafilatura" not in loaded


def test_the_model_and_the_workers_default_to_the_environment(monkeypatch, tmp_path):
    from pipeline.cli.run import settings_from
    from pipeline.settings import usable_cores

    monkeypatch.setenv("CORPUS_MODEL", "blank:en")
    monkeypatch.delenv("CORPUS_WORKERS", raising=False)
    settings = settings_from(build_parser().parse_args(["run", "--seeds", str(tmp_path)]))
    assert settings.model == "blank:en" and settings.workers == usable_cores()
    monkeypatch.setenv("CORPUS_WORKERS", "1")
    settings = settings_from(build_parser().parse_args(["run", "--seeds", str(tmp_path)]))
    assert settings.workers == 1
    args = ["run", "--seeds", str(tmp_path), "--workers", "3"]
    assert settings_from(build_parser().parse_args(args)).workers == 3

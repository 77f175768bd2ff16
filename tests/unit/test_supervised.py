"""The supervised worker pool (a worker that dies costs its task, not the run) and the retry
policy that finds the one file of a batch that kills its worker."""

import dataclasses
import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from pipeline.run.batches import BatchResult, BatchSpec, split_batch
from pipeline.run.retries import DIED, Retries, WorkerDeathsError
from pipeline.run.supervised import SupervisedPool, WorkerStartError
from pipeline.schema import DOCUMENT_TABLES
from pipeline.stages.cleaning import DEFAULT_PARAMS
from tests.unit.test_ingest import item_for

POISON = "poison"

TRIED = dataclasses.replace(DEFAULT_PARAMS, common_min_groups=DEFAULT_PARAMS.common_min_groups + 1)


def _start(_: object = None) -> None:
    """A worker's initializer (nothing to load)."""


def _fail_to_start(_: object = None) -> None:
    raise OSError("the model is not installed")


def _work(task: tuple[str, ...]) -> tuple[str, ...]:
    """Returns its task, or dies as a crash in native code would on a poisoned item."""
    if f"{POISON}-exit" in task:
        os._exit(3)
    if f"{POISON}-kill" in task:
        os.kill(os.getpid(), signal.SIGKILL)
    if "raise" in task:
        raise ValueError("a plain Python error")
    return task


def _halves(task: tuple[str, ...], reason: str) -> list | str:
    """Split a task in two until the poisoned item is alone; then give the reason for it."""
    if len(task) == 1:
        return f"{task[0]}: {reason}"
    return [task[: len(task) // 2], task[len(task) // 2 :]]


def _tasks(n: int, poison_at: int | None, kind: str = "exit") -> list[tuple[str, ...]]:
    items = [f"d{i}" for i in range(n)]
    if poison_at is not None:
        items[poison_at] = f"{POISON}-{kind}"
    return [tuple(items[i : i + 4]) for i in range(0, n, 4)]


@pytest.mark.parametrize(("kind", "reason"), [("exit", "exit code 3"), ("kill", "SIGKILL")])
def test_a_worker_that_dies_costs_its_task_not_the_run(kind: str, reason: str):
    tasks = _tasks(24, poison_at=9, kind=kind)
    with SupervisedPool(2, _start, (None,)) as pool:
        results = list(pool.run(_work, tasks, _halves))
        first = {p.pid for p in multiprocessing.active_children()}
        assert list(pool.run(_work, [("after",)])) == [("after",)]  # the pool still works
    done = sorted(item for r in results if isinstance(r, tuple) for item in r)
    assert done == sorted(f"d{i}" for i in range(24) if i != 9)
    dead = [r for r in results if isinstance(r, str)]
    assert len(dead) == 1 and dead[0].startswith(f"{POISON}-{kind}: ") and reason in dead[0]
    assert len(first) == 2
    assert multiprocessing.active_children() == []


def test_one_worker_gives_results_in_the_order_of_the_tasks_even_after_a_death():
    tasks = _tasks(16, poison_at=6)
    with SupervisedPool(1, _start, (None,)) as pool:
        results = list(pool.run(_work, tasks, _halves))
    flat = [item for r in results for item in (r if isinstance(r, tuple) else [r.split(":")[0]])]
    assert flat == [f"d{i}" if i != 6 else f"{POISON}-exit" for i in range(16)]


def test_a_worker_that_cannot_start_is_an_error_not_a_loop():
    with SupervisedPool(1, _fail_to_start, (None,)) as pool, pytest.raises(WorkerStartError) as e:
        list(pool.run(_work, [("a",)]))
    assert "OSError: the model is not installed" in str(e.value)
    assert multiprocessing.active_children() == []


def test_a_python_error_in_a_task_is_raised_as_itself():
    with SupervisedPool(1, _start, (None,)) as pool, pytest.raises(ValueError, match="plain"):
        list(pool.run(_work, [("a",), ("raise",)]))


def _spec(seeds: Path, n: int) -> BatchSpec:
    seeds.mkdir(exist_ok=True)
    for i in range(n):
        (seeds / f"f{i:03d}.txt").write_text(f"Title {i}\n\nSome text of file {i}.\n")
    items = tuple(item_for(seeds / f"f{i:03d}.txt") for i in range(n))
    return BatchSpec(items, "v1", 1_000_000, "run")


def _deaths_to_find(poison: str, spec: BatchSpec, retries: Retries) -> tuple[int, BatchResult]:
    """Run the policy as the executors do, where every batch holding `poison` dies."""
    queue, deaths = [spec], 0
    while queue:
        batch = queue.pop(0)
        if poison not in {item.doc_id for item in batch.items}:
            continue
        deaths += 1
        outcome = retries.after_death(batch, "exit code 3")
        if isinstance(outcome, BatchResult):
            return deaths, outcome
        queue[:0] = outcome
    pytest.fail("the poison file was never rejected")


@pytest.mark.parametrize(("retry_whole", "most"), [(False, 10), (True, 11)])
def test_a_batch_is_split_until_the_file_that_kills_its_worker_is_rejected(
    tmp_path: Path, retry_whole: bool, most: int
):
    spec = _spec(tmp_path / "seeds", 200)
    deaths, rejected = _deaths_to_find("f137.txt", spec, Retries(retry_whole=retry_whole))
    assert deaths <= most
    documents = rejected.tables["documents"].to_pylist()
    assert [(d["doc_id"], d["status"]) for d in documents] == [("f137.txt", "rejected")]
    assert documents[0]["reject_reason"] == f"{DIED}: exit code 3"
    files = rejected.tables["files"].to_pylist()
    assert files[0]["content_sha256"] == documents[0]["content_sha256"] != ""
    assert rejected.tables["tokens"].num_rows == 0 and rejected.n_rejected == 1
    # the commit writes every per-document table of a batch, a rejected one's too
    assert set(rejected.tables) == {*DOCUMENT_TABLES, "files"}
    for name, schema in DOCUMENT_TABLES.items():
        assert rejected.tables[name].schema == schema


def test_a_split_batch_keeps_the_settings_every_worker_must_share(tmp_path: Path):
    spec = dataclasses.replace(
        _spec(tmp_path / "seeds", 5), common_lines=frozenset({7}), params=TRIED
    )
    halves = split_batch(spec)
    assert halves is not None and [len(h.items) for h in halves] == [2, 3]
    for half in halves:
        assert (half.common_lines, half.params, half.run_id) == (spec.common_lines, TRIED, "run")
    assert split_batch(BatchSpec(spec.items[:1], "v1", 1, "run")) is None


def test_a_lone_file_is_tried_twice_and_too_many_deaths_stop_the_run(tmp_path: Path):
    spec = _spec(tmp_path / "seeds", 1)
    retries = Retries(max_deaths=2)
    assert retries.after_death(spec, "exit code 1") == [spec]
    assert isinstance(retries.after_death(spec, "exit code 1"), BatchResult)
    with pytest.raises(WorkerDeathsError, match="died 3 times"):
        retries.after_death(spec, "exit code 1")

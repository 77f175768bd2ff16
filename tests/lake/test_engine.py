"""The incremental sweep with a tokenizer-only model: what is planned, processed and deleted."""

import itertools
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from pipeline.lake import Lake, LakeWriter, aggregates
from pipeline.lake.aggregates import KEPT_TABLES
from pipeline.run import executors
from pipeline.run.batches import BatchResult, BatchSpec
from pipeline.run.engine import TAIL_MIN_SHARE, SyncReport, batch_bounds, sync
from pipeline.run.executors import WORKER_NICENESS, InProcess, WorkerPool, Workers
from pipeline.run.plan import SyncOptions
from pipeline.run.supervised import single_threaded_children, thread_count
from pipeline.settings import DEFAULT_MAX_BYTES
from pipeline.timing import Timings
from tests.unit.test_ingest import item_for

ARTICLE = "Officials in Kyiv said on Monday that talks would resume.\n\nThey gave no date.\n"
SHARDS = range(16)


def _sync(seeds: Path, data: Path, version: str = "v1", **options: object) -> SyncReport:
    with Lake(data).writer() as lake:
        executor = InProcess("blank:en")
        return sync(lake, SyncOptions(seeds, **options), SHARDS, executor, **_run(version))


def _run(version: str = "v1") -> dict:
    return {"version": version, "timings": Timings()}


def _rows(data: Path, query: str) -> list[tuple]:
    with Lake(data).writer() as lake:
        return lake.con.execute(query).fetchall()


def test_new_changed_unchanged_and_deleted_files(tmp_path: Path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title A\n\n" + ARTICLE)
    (seeds / "b.txt").write_text("Title B\n\n" + ARTICLE)
    first = _sync(seeds, data)
    assert (first.files_new, first.files_processed) == (2, 2)

    again = _sync(seeds, data)
    assert (again.files_unchanged, again.files_processed, again.words) == (2, 0, 0)

    (seeds / "a.txt").write_text("Title A\n\nA new first paragraph.\n\n" + ARTICLE)
    (seeds / "b.txt").unlink()
    changed = _sync(seeds, data)
    assert (changed.files_changed, changed.files_processed, changed.files_deleted) == (1, 1, 1)
    assert _rows(data, "SELECT DISTINCT doc_id FROM tokens") == [("a.txt",)]
    text = _rows(data, "SELECT text FROM documents")[0][0]
    assert text.startswith("A new first paragraph.")


def test_touched_but_unchanged_file_costs_no_nlp(tmp_path: Path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\n" + ARTICLE)
    _sync(seeds, data)
    os.utime(seeds / "a.txt", ns=(1, 1))
    touched = _sync(seeds, data)
    assert (touched.files_touched, touched.files_processed, touched.words) == (1, 0, 0)
    assert _rows(data, "SELECT mtime_ns FROM files") == [(1,)]


def test_code_version_change_and_force_reprocess(tmp_path: Path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\n" + ARTICLE)
    (seeds / "b.txt").write_text("Title\n\n" + ARTICLE)
    _sync(seeds, data, "v1")
    assert _sync(seeds, data, "v2").files_processed == 2
    assert _rows(data, "SELECT DISTINCT code_version FROM files") == [("v2",)]
    assert _sync(seeds, data, "v2", force=frozenset({"b.txt"})).files_processed == 1
    assert _sync(seeds, data, "v2", force_all=True).files_processed == 2


def test_batches_are_full_then_a_tail_of_small_ones_that_covers_every_file_once():
    for n_items in (0, 1, 10, 199, 401, 2225, 8901):
        bounds = batch_bounds(n_items, 200)
        sizes = [end - start for start, end in bounds]
        assert sum(sizes) == n_items
        assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
        assert all(0 < size <= 200 for size in sizes)
    sizes = [end - start for start, end in batch_bounds(2225, 200)]
    assert sizes[:9] == [200] * 9  # full batches first
    tail = sizes[9:]  # 425 files: each batch a quarter of what is left, down to 200 // 16
    assert tail[:4] == [107, 80, 60, 45] and tail[-4:] == [12, 12, 12, 5]
    assert all(a >= b for a, b in itertools.pairwise(tail))
    assert min(tail[:-1]) == 200 // TAIL_MIN_SHARE
    assert batch_bounds(10, 200) == [(0, 10)]  # a small run stays one commit
    plain = batch_bounds(2225, 200, split_tail=False)  # one process: full batches only
    assert [end - start for start, end in plain] == [200] * 11 + [25]


def _watch_aggregates(monkeypatch: pytest.MonkeyPatch, seen: list[tuple[int, int]]) -> None:
    """Note, at each batch commit's aggregate pass, the documents in the lake and DuckDB's
    threads."""
    real = aggregates.add

    def watched(lake: LakeWriter, batch: dict[str, str]) -> None:
        threads = int(lake.con.execute("SELECT current_setting('threads')").fetchone()[0])
        seen.append((lake.count("documents"), threads))
        real(lake, batch)

    monkeypatch.setattr(aggregates, "add", watched)


def _kept(lake: LakeWriter) -> list[list[tuple]]:
    return [lake.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in KEPT_TABLES]


def test_each_batch_commit_keeps_the_aggregates_on_one_duckdb_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    for name in ("a", "b", "c"):
        (seeds / f"{name}.txt").write_text(f"Title {name}\n\n" + ARTICLE)
    seen: list[tuple[int, int]] = []
    _watch_aggregates(monkeypatch, seen)
    with Lake(data).writer() as lake:
        _sync_into(lake, seeds, batch_docs=2)
        assert seen == []  # a new lake's aggregates are not current: rebuilt after the run
        aggregates.rebuild(lake)
        (seeds / "d.txt").write_text("Title d\n\n" + ARTICLE + "\nOne more line of text.\n")
        (seeds / "a.txt").unlink()
        lake.con.execute("SET threads = 3")
        _sync_into(lake, seeds, batch_docs=2)
        assert seen == [(3, 1)]  # after the batch's rows are in, on one DuckDB thread
        assert lake.con.execute("SELECT current_setting('threads')").fetchone()[0] == 3
        kept = _kept(lake)
        aggregates.rebuild(lake)
        assert _kept(lake) == kept  # a.txt taken away, d.txt added: as if rebuilt


def _sync_into(lake: LakeWriter, seeds: Path, **options: object) -> SyncReport:
    return sync(lake, SyncOptions(seeds, **options), SHARDS, InProcess("blank:en"), **_run())


class _Watched:
    """An executor that notes the worker processes alive while each batch comes back."""

    def __init__(self, inner: WorkerPool | InProcess) -> None:
        self.inner = inner
        self.parallel = inner.parallel
        self.pids: set[int] = set()

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        for result in self.inner.run(specs, timings):
            self.pids |= {p.pid for p in multiprocessing.active_children()}
            yield result


def test_a_run_takes_the_workers_started_early_and_stops_them(tmp_path: Path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    for name in "abc":
        (seeds / f"{name}.txt").write_text(f"Title {name}\n\n" + ARTICLE)
    workers = Workers("blank:en", 2)
    with workers.started():
        early = {p.pid for p in multiprocessing.active_children()}
        watched = _Watched(workers.executor())
        with Lake(data).writer() as lake:
            report = sync(lake, SyncOptions(seeds), SHARDS, watched, **_run())
        assert report.files_processed == 3
        assert len(early) == 2 and watched.pids == early  # no second pool was spawned
    assert multiprocessing.active_children() == []


def test_workers_started_early_stop_when_no_run_takes_them_or_there_is_nothing_to_do():
    with Workers("blank:en", 2).started():
        assert len(multiprocessing.active_children()) == 2
    assert multiprocessing.active_children() == []
    workers = Workers("blank:en", 2)
    with workers.started():
        assert list(workers.executor().run([], Timings())) == []
        assert multiprocessing.active_children() == []


def _language_model_loaded(_: int) -> bool:
    from pipeline.stages.document import language_identifier

    return language_identifier.cache_info().currsize == 1


def _worker_priorities(expected: list[int], timeout: float = 60.0) -> list[int]:
    """The workers' priorities once they equal `expected` or `timeout` passed (a worker lowers
    its own in its initializer, which may still be running for one of them)."""
    deadline = time.monotonic() + timeout
    while True:
        seen = [os.getpriority(os.PRIO_PROCESS, w.pid) for w in multiprocessing.active_children()]
        if seen == expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def test_workers_yield_the_cores_to_the_parent_and_load_the_language_model_while_waiting():
    own = os.nice(0)
    workers = Workers("blank:en", 2)
    with workers.started():
        pool = workers._early
        assert list(pool.run(_language_model_loaded, range(2))) == [True, True]  # no batch yet
        expected = [min(own + WORKER_NICENESS, 19)] * 2
        assert _worker_priorities(expected) == expected
        assert os.nice(0) == own  # the parent keeps its priority


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are read from /proc")
def test_workers_parse_on_their_only_thread(tmp_path: Path):
    _three_files(tmp_path / "seeds")
    spec = BatchSpec((item_for(tmp_path / "seeds" / "a.txt"),), "v1", DEFAULT_MAX_BYTES, "r")
    workers = Workers("blank:en", 2)
    with workers.started():
        parsed = list(workers._early.run(executors._run_in_worker, [spec] * 4))
        assert all(result.n_words > 0 and seconds["nlp"] > 0 for result, seconds in parsed)
        children = multiprocessing.active_children()
        assert len(children) == 2 and [thread_count(p.pid) for p in children] == [1, 1]


def test_workers_start_single_threaded_but_keep_what_the_user_set(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.delenv("JE_ARROW_MALLOC_CONF", raising=False)
    with single_threaded_children():
        assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
        assert os.environ["JE_ARROW_MALLOC_CONF"] == "background_thread:false"
    assert "JE_ARROW_MALLOC_CONF" not in os.environ  # only the children got it
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def _one_file_specs(seeds: Path) -> list[BatchSpec]:
    """A batch for each of `_three_files`, in order."""
    return [
        BatchSpec((item_for(seeds / name),), "v1", DEFAULT_MAX_BYTES, "run")
        for name in ("a.txt", "b.txt", "c.txt")
    ]


def _three_files(seeds: Path) -> None:
    seeds.mkdir()
    for name in "abc":
        (seeds / f"{name}.txt").write_text(f"Title {name}\n\n" + ARTICLE)


@pytest.mark.parametrize(("batch_docs", "batches"), [(None, 1), (1, 3)])
def test_a_one_process_run_parses_every_batch_in_the_helper_started_early(
    tmp_path: Path, batch_docs: int | None, batches: int
):
    _three_files(tmp_path / "seeds")
    workers = Workers("blank:en", 1)
    with workers.started():
        helper = {p.pid for p in multiprocessing.active_children()}
        watched = _Watched(workers.executor())
        with Lake(tmp_path / "data").writer() as lake:
            options = SyncOptions(tmp_path / "seeds")
            if batch_docs:
                options = SyncOptions(tmp_path / "seeds", batch_docs=batch_docs)
            report = sync(lake, options, SHARDS, watched, **_run())
        assert report.files_processed == 3 and report.batches_committed == batches
        assert len(helper) == 1 and watched.pids == helper
    assert multiprocessing.active_children() == []


def test_the_helper_gives_results_in_the_order_of_the_batches(tmp_path: Path):
    _three_files(tmp_path / "seeds")
    specs = _one_file_specs(tmp_path / "seeds")
    workers = Workers("blank:en", 1)
    with workers.started():
        results = list(workers.executor().run(specs, Timings()))
        assert [r.batch_id for r in results] == [spec.batch_id for spec in specs]
    assert multiprocessing.active_children() == []


def test_one_process_reads_each_batch_when_the_run_asks_for_it_on_the_parsing_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seeds = tmp_path / "seeds"
    _three_files(seeds)
    specs = _one_file_specs(seeds)
    processed: list[tuple[str, str]] = []
    real_process = executors.process_batch

    def process(spec: BatchSpec, nlp: object, *, timings: Timings) -> BatchResult:
        processed.append((spec.items[0].doc_id, threading.current_thread().name))
        return real_process(spec, nlp, timings=timings)

    monkeypatch.setattr(executors, "process_batch", process)
    results = InProcess("blank:en").run(specs, Timings())
    first = next(results)
    assert [doc for doc, _ in processed] == ["a.txt"]  # nothing read ahead of the run
    rest = list(results)
    assert [r.tables["files"].column("doc_id")[0].as_py() for r in (first, *rest)] == [
        "a.txt",
        "b.txt",
        "c.txt",
    ]
    assert {name for _, name in processed} == {threading.current_thread().name}


STOP_WHILE_IGNORING_SIGTERM = """
import multiprocessing, signal
from pipeline.run.executors import Workers
from pipeline.timing import Timings
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as after a Dagster run started in the background
workers = Workers("blank:en", 1)
with workers.started():
    assert list(workers.executor().run([], Timings())) == []  # nothing to parse: helper stopped
assert multiprocessing.active_children() == []
"""


def test_workers_stop_even_when_this_process_ignores_sigterm():
    # in a subprocess with a deadline: the bug this guards against was a hang
    subprocess.run([sys.executable, "-c", STOP_WHILE_IGNORING_SIGTERM], check=True, timeout=120)

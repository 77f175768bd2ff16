"""Where batches run: in local worker processes (one or more), on a Ray cluster
(pipeline/run/ray_executor.py, imported only when asked), or, for tests, in this process.
Each loads the model once and runs the same `process_batch`; results come back as Arrow
tables for the one writer, with the seconds each stage took in the process that ran it
(merged into the run's `Timings`).
"""

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from pipeline.run.batches import BatchResult, BatchSpec, process_batch, warm_up
from pipeline.run.retries import Retries
from pipeline.run.supervised import SupervisedPool
from pipeline.settings import DEFAULT_BATCH_DOCS, MODEL
from pipeline.timing import Timings

if TYPE_CHECKING:
    from spacy.language import Language

# A batch's result and the seconds its stages took where it ran.
Timed = tuple[BatchResult, Mapping[str, float]]


class Executor(Protocol):
    # whether batches are parsed side by side (then the run splits its last ones smaller)
    parallel: bool

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]: ...


class InProcess:
    """This process parses, batch after batch (the model loads on first use): for tests and
    the benchmark. A run parses in worker processes (`WorkerPool`, one of them for a
    one-process run), so a file that crashes its process cannot take the run with it."""

    parallel = False

    def __init__(self, model: str) -> None:
        self._model = model
        self._nlp: Language | None = None

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        for spec in specs:
            if self._nlp is None:
                self._nlp = _load(self._model)
            yield process_batch(spec, self._nlp, timings=timings)


def merge_timings(
    results: Iterable[Timed | BatchResult], timings: Timings
) -> Iterator[BatchResult]:
    """The batches' results, their stages' seconds added to `timings`."""
    for result in results:
        if isinstance(result, BatchResult):  # made in this process: a file that killed a worker
            yield result
            continue
        batch, seconds = result
        timings.merge(seconds)
        yield batch


_worker_nlp: "Language | None" = None  # the model of this worker process, loaded once
WORKER_NICENESS = 10


def _load(model: str) -> "Language":
    # spaCy is imported by the process that parses: a parent of workers never loads it
    from pipeline.stages.annotate import load_model

    return load_model(model)


def _load_worker_model(model: str) -> None:
    global _worker_nlp  # one model per worker process, loaded once
    _lower_priority()
    _worker_nlp = _load(model)
    warm_up(_worker_nlp)  # a worker is ready ~0.5-1 s before Dagster sends its first batch


def _lower_priority() -> None:
    """Leave the cores to the parent when it wants one: its start-up, while the workers load
    the model, is on the run's path. Measured on 2 workers over BBC, three rounds alternated:
    start-up and Dagster's set-up 2.9-3.1 s -> 2.3-2.6 s; the commits, which share the cores
    with the parsing, 5.7-6.2 s -> 3.9-4.1 s of wall time. A worker still gets every cycle
    that the parent does not use."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def _run_in_worker(spec: BatchSpec) -> Timed:
    assert _worker_nlp is not None
    timings = Timings()
    return process_batch(spec, _worker_nlp, timings=timings), timings.seconds


class WorkerPool:
    """Batches spread over N local worker processes (see pipeline/run/supervised.py): a batch
    whose worker dies is split and run again, and a file that keeps killing its worker is
    `rejected` with the reason (pipeline/run/retries.py). With one worker (the helper of a
    one-process run, which parses on its only thread: see `single_threaded_children`),
    results come back in the order of the batches."""

    def __init__(self, model: str, workers: int, pool: SupervisedPool | None = None) -> None:
        self._model = model
        self._workers = workers
        self._pool = pool
        self.parallel = workers > 1

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        specs = list(specs)
        early, self._pool = self._pool, None
        if not specs:
            if early is not None:
                early.close()
            return
        pool = early or _start(self._model, min(self._workers, len(specs)))
        retries = Retries()
        with pool:
            yield from merge_timings(pool.run(_run_in_worker, specs, retries.after_death), timings)


class Workers:
    """The spaCy model and where it runs: `workers` local processes, or a Ray cluster at
    `ray_address`. A Dagster resource: `corpus run` calls `started()` before Dagster starts,
    so the processes load the model while Dagster starts and the run plans (measured on 2
    workers over 2,225 BBC files: the first batch went out 8 s into the run and each worker
    then spent ~2.5 s loading spaCy before it parsed; started early, they parsed ~2 s sooner).
    The first executor of that shape takes the started processes; any left are stopped when
    `started()` ends. The UI's runs start their workers when a step needs them."""

    def __init__(
        self,
        model: str = MODEL,
        workers: int = 1,
        ray_address: str | None = None,
        batch_docs: int = DEFAULT_BATCH_DOCS,
    ) -> None:
        self.model = model
        self.workers = max(1, workers)
        self.ray_address = ray_address
        self.batch_docs = batch_docs
        self._early: SupervisedPool | None = None

    @contextlib.contextmanager
    def started(self) -> Iterator[None]:
        """Start the worker processes now (a one-process run gets one helper, whose model
        loads while this process starts Dagster; a Ray run starts nothing here)."""
        if not self.ray_address:
            self._early = _start(self.model, self.workers)
        try:
            yield
        finally:
            pool, self._early = self._early, None
            if pool is not None:
                pool.close()

    def executor(self) -> Executor:
        if self.ray_address:
            from pipeline.run.ray_executor import RayExecutor  # optional extra: only when asked

            return RayExecutor(self.model, self.ray_address, self.workers)
        early, self._early = self._early, None
        return WorkerPool(self.model, self.workers, early)


def _start(model: str, workers: int) -> SupervisedPool:
    return SupervisedPool(workers, _load_worker_model, (model,))

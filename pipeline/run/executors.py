"""Where batches run: in this process, or in a few local worker processes. Each loads the model
once and runs the same `process_batch`; results come back as Arrow tables for the one writer.
(The Ray executor lives in pipeline/ray_executor.py so the local path never imports Ray.)
"""

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from multiprocessing.pool import Pool
from typing import TYPE_CHECKING, Protocol

from pipeline.run.batches import BatchResult, BatchSpec, process_batch, warm_up

if TYPE_CHECKING:
    from spacy.language import Language


class Executor(Protocol):
    def run(self, specs: Iterable[BatchSpec]) -> Iterator[BatchResult]: ...


class InProcess:
    """One process parses, batch after batch. That is the helper `early_workers(model, 1)`
    started, if any: its model loaded while this process started Dagster and planned, and it
    parses on its only thread (see `single_threaded_children`), which this process, with
    Dagster's threads, cannot. Without one (a run from the UI, a single core) the batches are
    parsed here and the model loads on first use. Either way each batch is read and cleaned
    on the thread that parses it: cleaning is Python and holds the GIL, so on a thread ahead
    it only moved into spaCy's time (over 2,225 BBC texts cleaned on a thread while ~150 were
    parsed, the parse took 1.23 s longer for 1.17 s of cleaning)."""

    def __init__(self, model: str) -> None:
        self._model = model
        self._nlp: Language | None = None

    def run(self, specs: Iterable[BatchSpec]) -> Iterator[BatchResult]:
        specs = list(specs)
        helper = _early.pop((self._model, 1), None)
        if helper is not None:
            with helper:  # one worker: its results come back in the order of the specs
                yield from helper.imap(_run_in_worker, specs)
            return
        for spec in specs:
            if self._nlp is None:
                self._nlp = _load(self._model)
            yield process_batch(spec, self._nlp)


_worker_nlp: "Language | None" = None
WORKER_NICENESS = 10


def _load(model: str) -> "Language":
    # spaCy is imported by the process that parses: a parent of workers never loads it
    from pipeline.stages.annotate import load_model

    return load_model(model)


def _load_worker_model(model: str) -> None:
    global _worker_nlp  # one model per worker process, loaded once
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # see `_stoppable`
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


def _run_in_worker(spec: BatchSpec) -> BatchResult:
    assert _worker_nlp is not None
    return process_batch(spec, _worker_nlp)


class WorkerPool:
    """Batches spread over N local processes (spawned: no forked Dagster or DuckDB state)."""

    def __init__(self, model: str, workers: int) -> None:
        self._model = model
        self._workers = workers

    def run(self, specs: Iterable[BatchSpec]) -> Iterator[BatchResult]:
        specs = list(specs)
        early = _early.pop((self._model, self._workers), None)
        if not specs:
            if early is not None:
                early.terminate()
            return
        pool = early or _start(self._model, min(self._workers, len(specs)))
        with pool:
            yield from pool.imap_unordered(_run_in_worker, specs)


# Pools started ahead of their run, by (model, workers); a WorkerPool of that shape takes one.
_early: dict[tuple[str, int], Pool] = {}


@contextlib.contextmanager
def early_workers(model: str, workers: int) -> Iterator[None]:
    """Start the worker processes now, so that they load the model while this process starts
    Dagster and plans the run, instead of after. Measured on 2 workers over 2,225 BBC files:
    the first batch went out 8 s into the run and each worker then spent ~2.5 s loading spaCy
    before it parsed; started early, they parsed from 8.6 s (~2 s sooner: the start-up is
    CPU-bound, three processes on two cores). A pool that no run took is stopped on exit."""
    key = (model, workers)
    _early[key] = _start(model, workers)
    try:
        yield
    finally:
        pool = _early.pop(key, None)
        if pool is not None:
            pool.terminate()


def _start(model: str, workers: int) -> Pool:
    context = multiprocessing.get_context("spawn")
    with _stoppable(), single_threaded_children():
        return context.Pool(workers, _load_worker_model, (model,))


# What keeps a parsing process to its one thread: numpy's OpenBLAS starts a thread per extra
# core at import, and pyarrow's bundled jemalloc a background one (its allocations go to
# mimalloc anyway). A worker never runs BLAS on more than one core: spaCy's matrices are
# multiplied by blis, single-threaded.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "JE_ARROW_MALLOC_CONF": "background_thread:false"}


@contextlib.contextmanager
def single_threaded_children() -> Iterator[None]:
    """Start processes that parse on a single thread, their only one. glibc takes and releases
    a mutex without atomic instructions while a process has one thread, and spaCy's parser
    takes the GIL's mutex for every state it checks: one idle extra thread made a parse of
    ~150 BBC texts 10% slower (1-thread 10.5-11.0 s, with an idle thread 11.8-12.1 s, three
    rounds alternated; glibc's mutex was 3% of the samples alone and 22% with the thread).
    A value the user set is kept; the environment is restored once they started."""
    missing = {name: value for name, value in SINGLE_THREADED.items() if name not in os.environ}
    os.environ.update(missing)  # spawned children inherit it, and read it at import
    try:
        yield
    finally:
        for name in missing:
            os.environ.pop(name, None)


def thread_count() -> int | None:
    """This process's threads (Linux), or None where /proc does not tell."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """Spawn processes that a SIGTERM stops. A process started in the background ignores
    SIGINT; after a Dagster run in it, SIGTERM is ignored too (Dagster gives it SIGINT's
    handler), and a spawned child inherits that: `Pool.terminate` then waits forever for a
    worker that ignores it. (Seen when a second `corpus run` in one process stopped its helper.)
    """
    ignored = signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    if not ignored or threading.current_thread() is not threading.main_thread():
        yield  # off the main thread the worker's own reset in its initializer has to do
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def make_executor(model: str, workers: int, ray_address: str | None = None) -> Executor:
    if ray_address:
        from pipeline.run.ray_executor import RayExecutor  # optional extra: only when asked

        return RayExecutor(model, ray_address, workers)
    return InProcess(model) if workers <= 1 else WorkerPool(model, workers)

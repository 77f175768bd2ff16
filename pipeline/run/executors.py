"""Where batches run: in this process, in a few local worker processes, or on a Ray cluster
(pipeline/run/ray_executor.py, imported only when asked). Each loads the model once and runs
the same `process_batch`; results come back as Arrow tables for the one writer, with the
seconds each stage took in the process that ran it (merged into the run's `Timings`).
"""

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from multiprocessing.pool import Pool
from typing import TYPE_CHECKING, Protocol

from pipeline.run.batches import BatchResult, BatchSpec, process_batch, warm_up
from pipeline.settings import DEFAULT_BATCH_DOCS, MODEL, usable_cores
from pipeline.timing import Timings

if TYPE_CHECKING:
    from spacy.language import Language

# A batch's result and the seconds its stages took where it ran.
Timed = tuple[BatchResult, Mapping[str, float]]


class Executor(Protocol):
    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]: ...


class InProcess:
    """One process parses, batch after batch: the helper `Workers.start` started when the
    machine has a spare core (its model loaded while this process started Dagster and
    planned, and it parses on its only thread, see `single_threaded_children`, which this
    process, with Dagster's threads, cannot), else this process (the model loads on first
    use). Either way each batch is read and cleaned on the thread that parses it: cleaning is
    Python and holds the GIL, so on a thread ahead it only moved into spaCy's time (over
    2,225 BBC texts cleaned on a thread while ~150 were parsed, the parse took 1.23 s longer
    for 1.17 s of cleaning)."""

    def __init__(self, model: str, helper: Pool | None = None) -> None:
        self._model = model
        self._helper = helper
        self._nlp: Language | None = None

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        specs = list(specs)
        helper, self._helper = self._helper, None
        if helper is not None:
            with helper:  # one worker: its results come back in the order of the specs
                yield from _timed(helper.imap(_run_in_worker, specs), timings)
            return
        for spec in specs:
            if self._nlp is None:
                self._nlp = _load(self._model)
            yield process_batch(spec, self._nlp, timings=timings)


def _timed(results: Iterable[Timed], timings: Timings) -> Iterator[BatchResult]:
    for result, seconds in results:
        timings.merge(seconds)
        yield result


_worker_nlp: "Language | None" = None  # the model of this worker process, loaded once
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


def _run_in_worker(spec: BatchSpec) -> Timed:
    assert _worker_nlp is not None
    timings = Timings()
    return process_batch(spec, _worker_nlp, timings=timings), timings.seconds


class WorkerPool:
    """Batches spread over N local processes (spawned: no forked Dagster or DuckDB state)."""

    def __init__(self, model: str, workers: int, pool: Pool | None = None) -> None:
        self._model = model
        self._workers = workers
        self._pool = pool

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        specs = list(specs)
        early, self._pool = self._pool, None
        if not specs:
            if early is not None:
                early.terminate()
            return
        pool = early or _start(self._model, min(self._workers, len(specs)))
        with pool:
            yield from _timed(pool.imap_unordered(_run_in_worker, specs), timings)


class Workers:
    """The spaCy model and where it runs: `workers` local processes, or a Ray cluster at
    `ray_address`. A Dagster resource: `corpus run` calls `started()` before Dagster starts,
    so the processes load the model while Dagster starts and the run plans (measured on 2
    workers over 2,225 BBC files: the first batch went out 8 s into the run and each worker
    then spent ~2.5 s loading spaCy before it parsed; started early, they parsed ~2 s sooner).
    The first executor of that shape takes the started processes; any left are stopped when
    `started()` ends."""

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
        self._early: Pool | None = None

    @contextlib.contextmanager
    def started(self) -> Iterator[None]:
        """Start the worker processes now (a one-process run gets a single-threaded helper
        when there is a core to spare; a Ray run starts nothing here)."""
        if not self.ray_address and (self.workers > 1 or usable_cores() > 1):
            self._early = _start(self.model, self.workers)
        try:
            yield
        finally:
            pool, self._early = self._early, None
            if pool is not None:
                pool.terminate()

    def executor(self) -> Executor:
        if self.ray_address:
            from pipeline.run.ray_executor import RayExecutor  # optional extra: only when asked

            return RayExecutor(self.model, self.ray_address, self.workers)
        early, self._early = self._early, None
        if self.workers <= 1:
            return InProcess(self.model, early)
        return WorkerPool(self.model, self.workers, early)


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

"""Where batches run: in this process, or in a few local worker processes. Each loads the model
once and runs the same `process_batch`; results come back as Arrow tables for the one writer.
(The Ray executor lives in pipeline/ray_executor.py so the local path never imports Ray.)
"""

import multiprocessing
from collections.abc import Iterable, Iterator
from typing import Protocol

from spacy.language import Language

from pipeline.batches import BatchResult, BatchSpec, process_batch
from pipeline.nlp import load_model


class Executor(Protocol):
    def run(self, specs: Iterable[BatchSpec]) -> Iterator[BatchResult]: ...


class InProcess:
    """Batches one after another in this process; the model loads on first use."""

    def __init__(self, model: str) -> None:
        self._model = model
        self._nlp: Language | None = None

    def run(self, specs: Iterable[BatchSpec]) -> Iterator[BatchResult]:
        for spec in specs:
            if self._nlp is None:
                self._nlp = load_model(self._model)
            yield process_batch(spec, self._nlp)


_worker_nlp: Language | None = None


def _load_worker_model(model: str) -> None:
    global _worker_nlp  # one model per worker process, loaded once
    _worker_nlp = load_model(model)


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
        if not specs:
            return
        context = multiprocessing.get_context("spawn")
        workers = min(self._workers, len(specs))
        with context.Pool(workers, _load_worker_model, (self._model,)) as pool:
            yield from pool.imap_unordered(_run_in_worker, specs)


def make_executor(model: str, workers: int, ray_address: str | None = None) -> Executor:
    if ray_address:
        from pipeline.ray_executor import RayExecutor  # optional extra: only when asked

        return RayExecutor(model, ray_address, workers)
    return InProcess(model) if workers <= 1 else WorkerPool(model, workers)

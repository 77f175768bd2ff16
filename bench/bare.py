"""Bare spaCy: `nlp.pipe` over texts in fresh processes, no storage; the benchmark's yardstick.

This module imports only what a parse needs, so that a bare process started single-threaded
(see `pipeline.run.supervised.single_threaded_children`) stays so: DuckDB or Dagster would start
threads of their own at import.
"""

import contextlib
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from spacy.attrs import IS_PUNCT
from spacy.tokens import Doc

from pipeline.run.batches import NLP_BATCH_SIZE
from pipeline.run.supervised import single_threaded_children, thread_count
from pipeline.stages.annotate import load_model

PROGRESS_EVERY = 10.0  # seconds between progress lines of the first process


@dataclass(frozen=True, slots=True)
class BarePass:
    """One bare pass: the slowest process's seconds, the words of all, and the most threads
    any of them had when it finished (None where the system does not tell)."""

    seconds: float
    words: int
    threads: int | None


def bare_spacy(
    texts: list[str],
    model: str,
    *,
    processes: int = 1,
    single_threaded: bool = False,
    say: Callable[[str], None] | None = None,
) -> BarePass:
    """Bare spaCy over the texts: `processes` fresh processes, each loading the model and
    parsing an equal share once, starting together (with 1, `nlp.pipe` on one core; with N,
    the ceiling of any parallel run here, as they share the caches and memory bandwidth).
    Fresh, as a user's own script and `corpus run` meet the texts: over 742 BBC texts a fresh
    process's first pass took 5-12% longer than its second (five processes; a model that has
    parsed the texts holds them in its tokenizer's, lexemes' and lemmatizer's caches, and a
    second model in the same process gained 2-3%). By default a process is as a user's script
    gets it (numpy's BLAS starts a thread per extra core); `single_threaded` starts it as the
    pipeline starts its workers. `say` gets the first process's progress every 10 s."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    # A pipe per process: a multiprocessing.Queue would start a feeder thread in the sender
    pipes = [context.Pipe(duplex=False) for _ in range(processes)]
    workers = [
        context.Process(
            target=_parse_share,
            args=(model, texts[i::processes], barrier, writer, say is not None and i == 0),
        )
        for i, (_, writer) in enumerate(pipes)
    ]
    with single_threaded_children() if single_threaded else contextlib.nullcontext():
        for worker in workers:
            worker.start()
    for _, writer in pipes:
        writer.close()  # each child holds its own end: a dead one's pipe then reads as ended
    readers = [reader for reader, _ in pipes]
    outcomes = _collect(readers, workers, say)
    for worker in workers:
        worker.join()
    threads = [t for _, _, t in outcomes if t is not None]
    return BarePass(
        seconds=max(seconds for seconds, _, _ in outcomes),
        words=sum(words for _, words, _ in outcomes),
        threads=max(threads) if threads else None,
    )


def _collect(
    readers: list[Connection], workers: list, say: Callable[[str], None] | None
) -> list[tuple[float, int, int | None]]:
    """Each process's (seconds, words, threads); progress passed on; an error, not a hang, if a
    process died without a result."""
    outcomes: list[tuple[float, int, int | None]] = []
    open_readers = list(readers)
    while open_readers:
        ready = wait(open_readers, timeout=1.0)
        for reader in ready:
            try:
                kind, *values = reader.recv()
            except EOFError:
                open_readers.remove(reader)  # it died: its exit code says why
                continue
            if kind == "progress" and say is not None:
                say(f"  bare spaCy: {values[0]}")
            elif kind == "done":
                outcomes.append((values[0], values[1], values[2]))
                open_readers.remove(reader)
        if not ready and not any(worker.is_alive() for worker in workers):
            break
    if len(outcomes) < len(workers):
        codes = [worker.exitcode for worker in workers]
        raise RuntimeError(f"bare spaCy processes ended without a result: {codes}")
    return outcomes


def _parse_share(
    model: str, texts: list[str], barrier: object, writer: Connection, progress: bool
) -> None:
    try:
        nlp = load_model(model)
    except BaseException:
        barrier.abort()  # the others stop waiting for this one
        raise
    barrier.wait()
    words, clock, last = 0, time.perf_counter(), time.perf_counter()
    for i, doc in enumerate(nlp.pipe(texts, batch_size=NLP_BATCH_SIZE), 1):
        words += count_words(doc)
        if progress and time.perf_counter() - last > PROGRESS_EVERY:
            last = time.perf_counter()
            rate = words / (last - clock)
            line = f"{i}/{len(texts)} texts, {rate:,.0f} words/s, {thread_count()} thread(s)"
            writer.send(("progress", line))
    writer.send(("done", time.perf_counter() - clock, words, thread_count()))


def count_words(doc: Doc) -> int:
    """Tokens that are not punctuation, as the pipeline counts words."""
    return len(doc) - int(doc.to_array(IS_PUNCT).sum())

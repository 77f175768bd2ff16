"""Local worker processes that one task cannot take down with the run.

When a worker process dies (out of memory, a crash in native code), multiprocessing.Pool loses
its task and `imap` waits for it for ever; a ProcessPoolExecutor breaks whole. Here each worker
has its own pipe and one task at a time, and the parent waits on the pipes and on the
processes themselves: when a worker dies, the parent knows the task it held, starts a new
worker, and asks the caller what to do with the task (`on_death`: tasks to run instead, first,
or a result that stands for it). With one worker, results come back in the order of the tasks.

Workers are spawned (no forked Dagster or DuckDB state), start single-threaded
(`single_threaded_children`) and stop on SIGTERM (`stoppable`); they ignore SIGINT, since the
parent decides when they stop. Measured against Pool.imap_unordered on 50 tasks over 2 workers:
within noise.
"""

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any

STOP_SECONDS = 10.0  # for a worker to end after SIGTERM, before it is killed
OnDeath = Callable[[Any, str], Any]  # (task, reason) -> tasks to run instead (a list), or a result


class WorkerStartError(RuntimeError):
    """A worker process failed or died before it was ready (e.g. its model did not load)."""


class WorkerDiedError(RuntimeError):
    """A worker died on a task and the caller gave no `on_death`."""


class RemoteTracebackError(Exception):
    """The traceback of an exception raised in a worker: the cause of the one re-raised here."""

    def __str__(self) -> str:
        return str(self.args[0])


def death_reason(exitcode: int | None) -> str:
    """How a worker process ended, in words."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        hint = ", e.g. for want of memory" if -exitcode == signal.SIGKILL else ""
        return f"killed by signal {name}{hint}"
    return f"exit code {exitcode}"


class SupervisedPool:
    """`workers` spawned processes, each running `initializer(*initargs)` once, then tasks."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._start_args = (initializer, initargs)
        self._workers: list[_Worker] = []
        for _ in range(max(1, workers)):
            self._workers.append(self._spawn())

    def __enter__(self) -> "SupervisedPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL after STOP_SECONDS) and reap it."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.reap()

    def run(
        self, func: Callable[[Any], Any], tasks: Iterable[Any], on_death: OnDeath | None = None
    ) -> Iterator[Any]:
        """`func(task)` for each task, in the workers, each result as it comes. A task whose
        worker died is given to `on_death(task, reason)`: a list it returns is run instead (at
        the front of the queue), anything else is yielded as the task's result. An exception
        `func` raised is raised here, with the worker's traceback as its cause."""
        queue = deque(tasks)
        while queue or any(w.task is not None for w in self._workers):
            self._hand_out(func, queue)
            ready = set(wait([w.conn for w in self._workers] + [w.sentinel for w in self._workers]))
            results = []
            for index, worker in enumerate(self._workers):
                results += self._collect(index, worker, ready, queue, on_death)
            self._hand_out(func, queue)  # before yielding: the caller may take its time
            yield from results

    def _hand_out(self, func: Callable[[Any], Any], queue: deque) -> None:
        for worker in self._workers:
            if worker.ready and worker.task is None and queue:
                worker.task = queue.popleft()
                worker.conn.send((func, worker.task))

    def _collect(
        self, index: int, worker: "_Worker", ready: set, queue: deque, on_death: OnDeath | None
    ) -> list[Any]:
        """What this worker has to say: a result, readiness, an error, or its death."""
        alive = worker.sentinel not in ready
        if worker.conn in ready:
            try:
                kind, *payload = worker.conn.recv()
            except (EOFError, OSError):
                alive = False
            else:
                if kind == "ready":
                    worker.ready = True
                elif kind == "failed":
                    raise WorkerStartError(f"a worker process could not start: {payload[0]}")
                elif kind == "error":
                    error, text = payload
                    raise error from RemoteTracebackError(text)
                else:
                    worker.task = None
                    return payload
        if alive:
            return []
        return self._replace(index, worker, queue, on_death)

    def _replace(
        self, index: int, worker: "_Worker", queue: deque, on_death: OnDeath | None
    ) -> list[Any]:
        """A new worker in place of a dead one; its task given to `on_death`."""
        worker.reap()
        reason = death_reason(worker.exitcode)
        if not worker.ready:
            raise WorkerStartError(f"a worker process died while starting ({reason})")
        self._workers[index] = self._spawn()
        if worker.task is None:
            return []
        if on_death is None:
            raise WorkerDiedError(f"a worker process died on a task ({reason})")
        outcome = on_death(worker.task, reason)
        if isinstance(outcome, list):
            queue.extendleft(reversed(outcome))
            return []
        return [outcome]

    def _spawn(self) -> "_Worker":
        with stoppable(), single_threaded_children():
            return _Worker(self._context, *self._start_args)


class _Worker:
    """One spawned process, its end of the pipe, and the task it holds."""

    def __init__(
        self, context: SpawnContext, initializer: Callable[..., None], initargs: tuple
    ) -> None:
        self.conn, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_serve, args=(child, initializer, initargs), daemon=True
        )
        self.process.start()
        child.close()
        self.sentinel = self.process.sentinel
        self.ready = False
        self.task: Any = None

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def terminate(self) -> None:
        if self.process.is_alive():
            self.process.terminate()

    def reap(self) -> None:
        self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple) -> None:
    """A worker's life: start, say so, then run tasks until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # see `stoppable`
    try:
        initializer(*initargs)
    except BaseException:
        conn.send(("failed", traceback.format_exc().strip().splitlines()[-1]))
        return
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return  # the parent is gone
        if message is None:
            return
        func, task = message
        try:
            conn.send(("ok", func(task)))
        except Exception as error:
            conn.send(("error", _picklable(error), traceback.format_exc()))


def _picklable(error: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


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


def thread_count(pid: int | str = "self") -> int | None:
    """A process's threads (Linux), or None where /proc does not tell."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """Spawn processes that a SIGTERM stops. A process started in the background ignores
    SIGINT; after a Dagster run in it, SIGTERM is ignored too (Dagster gives it SIGINT's
    handler), and a spawned child inherits that until its own code resets it: stopping it
    would wait for ever. (Seen when a second `corpus run` in one process stopped its helper.)
    """
    ignored = signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    if not ignored or threading.current_thread() is not threading.main_thread():
        yield  # off the main thread the worker's own reset in `_serve` has to do
        return
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

"""Batches on an existing Ray cluster: the same `process_batch` as a local run, in a pool of
Ray actors (one spaCy model per actor), results streamed back to the one writer.

Plain actors and `ray.wait`, not Ray Data: Ray Data re-runs a task whose actor died as often as
it is told to, so a batch that kills its worker every time was retried for ever (unlimited
retries), or, with a finite count, failed the run and held back good batches. Here Ray restarts
a dead actor (max_restarts=-1) but never re-runs its task (max_task_retries=0); the driver does,
with the local runs' policy (pipeline/run/retries.py): the batch is run again whole once (its
actor may have died with its node), then split until the file that kills it is alone and
`rejected`. An actor gets work only once a ping with unlimited retries has come back: when a
node dies, its actors fail "unavailable" a few times a second until Ray marks it dead (~10-15
s), which must cost no retries. A batch is delivered once; `write_batch` would skip a batch_id
already in the lake anyway.

Only `pipeline.run.executors.Workers.executor` imports this module, and only when a Ray address
is set: a local run never imports Ray.
"""

import logging
import os
import socket
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import ray
from ray.actor import ActorHandle
from ray.exceptions import RayActorError, RayTaskError
from spacy.language import Language

from pipeline.run.batches import BatchResult, BatchSpec, process_batch
from pipeline.run.executors import Timed, merge_timings
from pipeline.run.retries import Retries
from pipeline.run.supervised import WorkerStartError
from pipeline.stages.annotate import load_model
from pipeline.timing import Timings
from pipeline.versions import code_version

CONNECT_SECONDS = 5.0
# Ray's words for an actor whose constructor raised: restarting it would only raise again.
CREATION_FAILED = "creation task"


class CodeMismatchError(RuntimeError):
    """A worker runs other pipeline code than the driver that labels the rows."""


class Annotator:
    """A Ray actor: the model, loaded once per actor (and again when Ray restarts it)."""

    def __init__(self, model: str) -> None:
        self._nlp: Language = load_model(model)
        self._model = model

    def ping(self) -> bool:
        """Answers once the actor is up (its model loaded)."""
        return True

    def run(self, spec: BatchSpec) -> Timed:
        self._check_version(spec)
        timings = Timings()
        return process_batch(spec, self._nlp, timings=timings), timings.seconds

    def _check_version(self, spec: BatchSpec) -> None:
        """Rows are labelled with the driver's code version: a node with other code (a stale
        checkout, an edit mid-run) would write rows under the wrong label, so refuse."""
        mine = code_version(spec.params, model=self._model)  # of the code on this node's disk
        if spec.code_version != mine:
            raise CodeMismatchError(
                f"this Ray worker runs pipeline code {mine}, the driver "
                f"{spec.code_version}: install the same code on every node"
            )


# One CPU each; restarted when it dies, with its node or not; its tasks never re-run by Ray.
RemoteAnnotator = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=0)(Annotator)


class RayExecutor:
    """Batches spread over actors on the Ray cluster at `address`.

    `workers` > 1 sets the number of actors; otherwise one per CPU of the cluster. An actor
    lost with its node waits for room to restart while the others work on.
    """

    parallel = True

    def __init__(self, model: str, address: str, workers: int = 1) -> None:
        self._model = model
        self._address = address
        self._workers = workers

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        specs = list(specs)
        if not specs:
            return
        with connected(self._address):
            size = min(pool_size(self._workers), len(specs))
            actors = [RemoteAnnotator.remote(self._model) for _ in range(size)]
            try:
                yield from merge_timings(
                    _supervised(specs, actors, Retries(retry_whole=True)), timings
                )
            finally:
                for actor in actors:
                    ray.kill(actor)


def _supervised(
    specs: list[BatchSpec], actors: list[ActorHandle], retries: Retries
) -> Iterator[Timed | BatchResult]:
    """Each batch's result as it comes, one batch at a time per actor; a batch whose actor
    died goes to `retries` (run again, split, or its files rejected)."""
    queue = deque(specs)
    waiting: dict[ray.ObjectRef, tuple[ActorHandle, BatchSpec | None]] = {}
    for actor in actors:
        waiting[_ping(actor)] = (actor, None)
    idle: list[ActorHandle] = []
    delivered: set[str] = set()
    while queue or any(spec is not None for _, spec in waiting.values()):
        while idle and queue:
            actor, spec = idle.pop(), queue.popleft()
            waiting[actor.run.remote(spec)] = (actor, spec)
        [ref], _ = ray.wait(list(waiting), num_returns=1)
        actor, spec = waiting.pop(ref)
        try:
            value = ray.get(ref)
        except RayActorError as error:
            if spec is None and CREATION_FAILED in str(error):  # e.g. the model did not load
                cause = str(error).strip().splitlines()[-1]  # the constructor's own exception
                raise WorkerStartError(f"a Ray actor could not start: {cause}") from None
            waiting[_ping(actor)] = (actor, None)  # back to work once it answers
            if spec is None:
                continue
            outcome = retries.after_death(spec, _death(error))
            if isinstance(outcome, list):
                queue.extendleft(reversed(outcome))
            else:
                yield outcome
            continue
        except RayTaskError as error:  # the batch's own exception, e.g. CodeMismatchError
            raise (error.cause if isinstance(error.cause, Exception) else error) from None
        idle.append(actor)
        if spec is not None and spec.batch_id not in delivered:
            delivered.add(spec.batch_id)
            yield value


def _ping(actor: ActorHandle) -> ray.ObjectRef:
    """Answers when the actor is up: a call to a restarting actor would fail at once, this one
    is retried by Ray until the actor is back."""
    return actor.ping.options(max_task_retries=-1).remote()


def _death(error: RayActorError) -> str:
    """The reason a Ray actor died, in one line."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = next((line for line in lines if "exit" in line.lower()), lines[0] if lines else "")
    return f"the Ray actor died ({detail[:200]})"


def pool_size(workers: int) -> int:
    if workers > 1:
        return workers
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


@contextmanager
def connected(address: str) -> Iterator[None]:
    """Connect this process as a driver to the cluster, and disconnect after; a connection
    made by someone else (e.g. a Dagster resource) is used as it is and left open."""
    if ray.is_initialized():
        yield
        return
    _check_reachable(address)
    # Nothing may leave the machine: no usage report, and no runtime_env (the workers share
    # this filesystem and this venv), so nothing is uploaded or downloaded.
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    try:
        yield
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail at once on a wrong host:port; ray.init would retry for minutes.

    Ray may register a node under the host's address even when it was started with
    127.0.0.1, but its GCS listens on every interface, so either form answers here."""
    host, sep, port = address.rpartition(":")
    if "://" in address or not sep or not port.isdigit():
        return  # "auto", ray://...: Ray resolves these itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as error:
        raise ConnectionError(f"no Ray cluster answers at {address}: {error}") from None

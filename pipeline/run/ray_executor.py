"""Batches on an existing Ray cluster: the same `process_batch` as a local run, in a Ray Data
actor pool (one spaCy model per actor), results streamed back to the one writer.

One row per BatchSpec goes in (the pickled spec), one row per BatchResult comes out (pickled:
Arrow tables pickle as their buffers). Ray restarts a dead actor and runs its task again, so a
batch may be delivered twice: the driver drops repeats within a run, and `write_batch` skips a
batch_id already in the lake, so nothing is doubled either way.

Only `pipeline.run.executors.make_executor` imports this module, and only when a Ray address is set:
a local run never imports Ray.
"""

import logging
import os
import pickle
import socket
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyarrow as pa
import ray
import ray.data
from spacy.language import Language

from pipeline.run.batches import BatchResult, BatchSpec, process_batch
from pipeline.stages.annotate import load_model
from pipeline.timing import Timings
from pipeline.versions import code_version

# Retry a batch whose actor died for as long as it takes (Ray Data's own default, stated here
# on purpose). A finite count was tried: when a node dies, its actor's tasks fail "actor
# unavailable" a few times a second until Ray marks the node dead (~10-15 s), so 3 retries
# were gone before the actor could move and the run failed; unlimited retries finished 20/20.
# The price: a batch that kills its worker every time would be retried forever.
TASK_RETRIES = -1
CONNECT_SECONDS = 5.0
PICKLE_PROTOCOL = 5  # out-of-band buffers: Arrow tables pickle without an extra copy


class CodeMismatchError(RuntimeError):
    """A worker runs other pipeline code than the driver that labels the rows."""


class Annotator:
    """The Ray Data callable: built once per actor, so the model loads once per actor."""

    def __init__(self, model: str) -> None:
        self._nlp: Language = load_model(model)
        self._version = code_version()  # of the code this worker imported from its disk

    def __call__(self, rows: pa.Table) -> pa.Table:
        specs = [pickle.loads(blob) for blob in rows.column("spec").to_pylist()]
        for spec in specs:
            self._check_version(spec)
        results = []
        for spec in specs:
            timings = Timings()
            results.append((process_batch(spec, self._nlp, timings=timings), timings.seconds))
        return pa.table(
            {
                "batch_id": pa.array([r.batch_id for r, _ in results], pa.string()),
                "result": pa.array(
                    [pickle.dumps(r, protocol=PICKLE_PROTOCOL) for r in results],
                    pa.large_binary(),  # 64-bit offsets: no 2 GB cap on one block of results
                ),
            }
        )

    def _check_version(self, spec: BatchSpec) -> None:
        """Rows are labelled with the driver's code version: a node with other code (a stale
        checkout, an edit mid-run) would write rows under the wrong label, so refuse."""
        if spec.code_version != self._version:
            raise CodeMismatchError(
                f"this Ray worker runs pipeline code {self._version}, the driver "
                f"{spec.code_version}: install the same code on every node"
            )


class RayExecutor:
    """Batches spread over an actor pool on the Ray cluster at `address`.

    `workers` > 1 sets the pool size; otherwise the pool takes one actor per CPU of the
    cluster. An actor lost with its node waits for room to restart while the others work on.
    """

    def __init__(self, model: str, address: str, workers: int = 1) -> None:
        self._model = model
        self._address = address
        self._workers = workers

    def run(self, specs: Iterable[BatchSpec], timings: Timings) -> Iterator[BatchResult]:
        specs = list(specs)
        if not specs:
            return
        with connected(self._address):
            dataset = self._dataset(specs)
            delivered: set[str] = set()
            # iter_rows streams: results arrive as actors finish, memory stays bounded.
            for row in dataset.iter_rows():
                if row["batch_id"] in delivered:
                    continue  # a retried task's second delivery
                delivered.add(row["batch_id"])
                result, seconds = pickle.loads(row["result"])
                timings.merge(seconds)
                yield result

    def _dataset(self, specs: list[BatchSpec]) -> ray.data.Dataset:
        size = min(pool_size(self._workers), len(specs))
        items = [{"spec": pickle.dumps(s, protocol=PICKLE_PROTOCOL)} for s in specs]
        # One block per spec, so each spec is its own task and a retry redoes one batch.
        # from_items, not a read: a read task would wait for a CPU the actors already hold.
        source = ray.data.from_items(items, override_num_blocks=len(items))
        with warnings.catch_warnings():
            # Ray 2.60 takes max_restarts / max_task_retries only as "ray_remote_args", which
            # it warns will go in 2.64; the pin is exact, so revisit this when upgrading.
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*is deprecated")
            return source.map_batches(
                Annotator,
                fn_constructor_args=(self._model,),
                batch_size=1,
                batch_format="pyarrow",
                # max_tasks_in_flight_per_actor=1: no batch queues behind a busy actor.
                compute=ray.data.ActorPoolStrategy(size=size, max_tasks_in_flight_per_actor=1),
                num_cpus=1,
                max_restarts=-1,  # an actor lost with its worker or node is started again
                max_task_retries=TASK_RETRIES,
            )


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
    _quiet_ray_data()
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


def _quiet_ray_data() -> None:
    """The CLI prints its own progress; Ray Data's bars and plans would drown it."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)

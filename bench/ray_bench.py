"""Throughput of the annotation step in three places, on the same files in one run: one local
process, two local worker processes, and a two-node Ray cluster on this machine (started and
stopped here), with Ray's start-up time and the peak memory of each process tree.

Also home of `LocalRayCluster`, the throw-away cluster the Ray tests use: each node is a
`ray start --block` in its own session, so the cluster is stopped by the ids of the processes
it started, never by name (`ray stop` would stop every Ray on the machine).

    python -m bench.ray_bench --files 300
"""

import argparse
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

import psutil

from bench.memory import PeakMemory, sample
from pipeline.lake import Lake
from pipeline.lake.documents import write_batch
from pipeline.run.batches import BatchSpec
from pipeline.run.engine import batch_specs
from pipeline.run.executors import Executor, InProcess, WorkerPool
from pipeline.run.plan import SyncOptions
from pipeline.settings import DEFAULT_SHARDS, MODEL, PROJECT_DIR
from pipeline.stages.document import WorkItem
from pipeline.stages.ingest import scan
from pipeline.timing import Timings
from pipeline.versions import code_version

DEFAULT_CORPUS = PROJECT_DIR.parent / "shared" / "corpora" / "bbc-news"
BENCH_BATCH_DOCS = 25  # enough batches that two workers share the work evenly
SAMPLE_SECONDS = 1.0  # a PSS sample of a 20-process cluster costs ~0.1-0.2 s of CPU
STARTUP_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0
# Sockets live under the temp dir; AF_UNIX paths stop at 107 bytes and Ray adds ~65.
MAX_TEMP_DIR_CHARS = 40
OBJECT_STORE_BYTES = 512 * 2**20  # results are MBs per batch; the default would take 30% of RAM
# Nothing leaves the machine; workers at nice 0, not Ray's 15, so on a shared host they get
# the CPU like the local runs they are compared with; and no drain on SIGTERM (it waits ~30 s
# for traffic that a throw-away cluster never has).
RAY_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_worker_niceness": "0",
    "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0",
}
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the `ray start` child: get SIGTERM if the process that started it dies, so a killed
    test or bench still takes its cluster down (`ray start --block` then stops its node)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(slots=True)
class RayNode:
    """One `ray start --block`, the leader of its own session: every process of the node
    (GCS, raylet, agents, workers, actors) keeps that session id, whatever its process group."""

    process: subprocess.Popen
    temp_dir: Path
    log: Path

    def processes(self) -> list[psutil.Process]:
        found: dict[int, psutil.Process] = {}
        for process in psutil.process_iter():
            try:
                if os.getsid(process.pid) == self.process.pid:
                    found[process.pid] = process
            except OSError:
                continue  # gone meanwhile, or not ours to look at
        try:
            root = psutil.Process(self.process.pid)
            found |= {p.pid: p for p in [root, *root.children(recursive=True)]}
        except psutil.NoSuchProcess:
            pass
        return list(found.values())

    def ready(self) -> bool:
        """`ray start` writes the cluster address under its temp dir once the node is up."""
        return (self.temp_dir / "ray_current_cluster").exists()

    def stop(self) -> None:
        """SIGTERM to `ray start` (it drains the node and stops its children), then whatever
        of the session is left, then SIGKILL."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT)
        _terminate(self.processes())
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _terminate(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(processes, timeout=5)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(alive, timeout=5)


class LocalRayCluster:
    """A cluster of `nodes` nodes with `cpus` CPUs each on this machine, for tests and the bench.

    `address` is 127.0.0.1:<port>; Ray registers its nodes under the host's own address (it
    replaces loopback), which `gcs_address` shows; a driver may use either.
    """

    def __init__(self, root: Path, *, nodes: int = 2, cpus: int = 1) -> None:
        if len(str(root)) > MAX_TEMP_DIR_CHARS:
            raise ValueError(f"{root}: too long for Ray's socket paths; use a shorter folder")
        self.root = root
        self._n_nodes = nodes
        self._cpus = cpus
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.nodes: list[RayNode] = []
        self.startup_seconds = 0.0

    def __enter__(self) -> "LocalRayCluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def gcs_address(self) -> str:
        return (self.root / "h" / "ray_current_cluster").read_text().strip()

    def start(self) -> None:
        clock = time.perf_counter()
        head = [f"--port={self.port}", "--include-dashboard=false"]
        head += [f"--dashboard-port={free_port()}", f"--ray-client-server-port={free_port()}"]
        self._start_node("h", ["--head", *head])
        for i in range(1, self._n_nodes):
            self._start_node(f"w{i}", [f"--address={self.address}"])
        self.startup_seconds = time.perf_counter() - clock

    def _start_node(self, name: str, args: list[str]) -> None:
        temp_dir = self.root / name
        temp_dir.mkdir(parents=True, exist_ok=True)
        command = [str(Path(sys.executable).parent / "ray"), "start", "--block", *args]
        command += [f"--num-cpus={self._cpus}", "--node-ip-address=127.0.0.1"]
        command += ["--disable-usage-stats", f"--temp-dir={temp_dir}"]
        command += [f"--object-store-memory={OBJECT_STORE_BYTES}"]
        # Two nodes on one host would both take the agent's default port.
        command += [f"--dashboard-agent-listen-port={free_port()}"]
        log = self.root / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=os.environ | RAY_ENV,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        node = RayNode(process, temp_dir, log)
        self.nodes.append(node)
        self._wait_ready(node)

    def _wait_ready(self, node: RayNode) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not node.ready():
            if node.process.poll() is not None or time.monotonic() > deadline:
                tail = node.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Ray node in {node.temp_dir} did not start:\n{tail}")
            time.sleep(0.2)

    def processes(self) -> list[psutil.Process]:
        return [p for node in self.nodes for p in node.processes()]

    def stop(self) -> None:
        # Workers before the head, so no node waits on a GCS that is gone.
        for node in reversed(self.nodes):
            node.stop()


def own_tree() -> list[psutil.Process]:
    me = psutil.Process()
    return [me, *me.children(recursive=True)]


@dataclass(frozen=True, slots=True)
class Throughput:
    label: str
    seconds: float
    words: int
    batches: int
    peak_mb: float

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def sample_items(corpus: Path, files: int) -> tuple[WorkItem, ...]:
    """`files` files spread evenly over the corpus (its folders are topics), read in place."""
    seen = [f for f in scan(corpus, DEFAULT_SHARDS) if f.path.name.upper() != "README.TXT"]
    step = max(1, len(seen) // max(1, files))
    return tuple(
        WorkItem(f.doc_id, str(f.path), f.shard, f.n_bytes, f.mtime_ns, None, None, False)
        for f in seen[::step][:files]
    )


def measure(
    label: str,
    executor: Executor,
    specs: list[BatchSpec],
    data: Path,
    processes: Callable[[], Iterable[psutil.Process]],
) -> Throughput:
    """Process and commit every batch into a fresh lake, as the driver does."""
    words = batches = 0
    with Lake(data).writer() as writer, PeakMemory(processes, every=SAMPLE_SECONDS) as memory:
        clock = time.perf_counter()
        for result in executor.run(specs, Timings()):
            write_batch(writer, result.batch_id, result.tables, keep_aggregates=False)
            words += result.n_words
            batches += 1
        seconds = time.perf_counter() - clock
    return Throughput(label, seconds, words, batches, memory.peak_pss / 2**20)


def bench_ray(
    corpus: Path = DEFAULT_CORPUS,
    *,
    files: int,
    out: TextIO,
    batch_docs: int = BENCH_BATCH_DOCS,
    model: str = MODEL,
) -> dict:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    if not corpus.is_dir():
        say(f"skipped: no corpus at {corpus}")
        return {"skipped": f"no corpus at {corpus}"}
    items = sample_items(corpus, files)
    specs = batch_specs(items, SyncOptions(corpus, batch_docs=batch_docs), code_version())
    say(f"corpus: {corpus}, {len(items)} files in {len(specs)} batches of {batch_docs}")
    with tempfile.TemporaryDirectory(prefix="rb-", dir="/tmp") as tmp:
        return _bench(Path(tmp), specs, model, say)


def _bench(root: Path, specs: list[BatchSpec], model: str, say: Callable[[str], None]) -> dict:
    _warm_cache(specs)  # no configuration pays for reading the files from disk first
    # The in-process run goes last: the model it loads stays in this process (the driver of
    # the other two), and would count against their memory.
    say("1/3 local, two worker processes")
    pooled = measure("local, 2 workers", WorkerPool(model, 2), specs, root / "d2", own_tree)
    say("2/3 Ray, two nodes of one CPU (starting the cluster)")
    distributed, startup, idle_mb = _ray_run(root, specs, model, say)
    say("3/3 local, one process")
    single = measure("local, 1 process", InProcess(model), specs, root / "d1", own_tree)
    runs = [single, pooled, distributed]
    for line in report_lines(runs, startup, idle_mb):
        say(line)
    return {
        "runs": {r.label: r for r in runs},
        "ray_startup_seconds": startup,
        "ray_idle_mb": idle_mb,
    }


def _ray_run(
    root: Path, specs: list[BatchSpec], model: str, say: Callable[[str], None]
) -> tuple[Throughput, float, float]:
    from pipeline.run.ray_executor import RayExecutor  # only here: Ray is an optional extra

    with LocalRayCluster(root / "ray") as cluster:
        say(f"  cluster up in {cluster.startup_seconds:.1f} s at {cluster.gcs_address}")
        idle_mb = sample(cluster.processes())[0] / 2**20
        executor = RayExecutor(model, cluster.address, 1)
        tree = lambda: [*own_tree(), *cluster.processes()]  # noqa: E731
        run = measure("Ray, 2 nodes x 1 CPU", executor, specs, root / "d3", tree)
    return run, cluster.startup_seconds, idle_mb


def _warm_cache(specs: list[BatchSpec]) -> None:
    for spec in specs:
        for item in spec.items:
            Path(item.path).read_bytes()


def report_lines(runs: list[Throughput], startup: float, idle_mb: float) -> Iterator[str]:
    yield ""
    yield f"{'':24}{'words/s':>9}{'x 1 proc':>9}{'seconds':>9}{'words':>9}{'peak MB':>9}"
    base = runs[0].words_per_second or 1.0
    for r in runs:
        yield (
            f"{r.label:24}{r.words_per_second:>9,.0f}{r.words_per_second / base:>9.2f}"
            f"{r.seconds:>9.1f}{r.words:>9,}{r.peak_mb:>9,.0f}"
        )
    yield f"Ray cluster start-up (2 nodes): {startup:.1f} s; idle cluster memory {idle_mb:,.0f} MB"
    yield "Ray seconds include connecting and loading the model in each actor; peak MB is PSS"
    yield "summed over this process, its children and (for Ray) every process of the cluster."
    yield f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--batch-docs", type=int, default=BENCH_BATCH_DOCS)
    args = parser.parse_args(argv)
    bench_ray(args.corpus, files=args.files, out=sys.stdout, batch_docs=args.batch_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

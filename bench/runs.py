"""One `corpus run` as a user runs it, in a subprocess: its wall time, its process tree's
peak memory and CPU, and what its Dagster run recorded (stage seconds, the event log)."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from bench.cpu import CpuSamples, used_between
from bench.memory import PeakMemory, tree
from bench.timeline import Event, around_step, split_wall_time

COMPACTION_KEYS = ("data_files_before", "data_files_after", "maintenance_seconds")
# Reading a process's PSS walks its page tables: 10.7 ms of CPU for a 450 MB one. Every 0.5 s
# over a pooled run's three processes that took ~0.06 cores from its workers (1.76-1.78 vs
# 1.81-1.84 cores busy in the shard step, 742 BBC files, runs alternated); every 2 s, a quarter.
MEMORY_EVERY = 2.0
SHARD_STEP = "corpus_shards"  # the step that parses: the cores are judged around it


@dataclass(frozen=True, slots=True)
class Busy:
    """What a run's processes did on the cores over one span of its wall time."""

    seconds: float  # the span's wall time
    parent: float  # CPU seconds of the `corpus run` process
    others: float  # CPU seconds of the processes below it (the workers, a helper)

    @property
    def cores(self) -> float:
        return (self.parent + self.others) / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class RunFigures:
    """One `corpus run` subprocess: wall time, words, peak memory, stage seconds."""

    label: str
    seconds: float
    words: int
    files_processed: int
    peak_mb: float  # PSS summed over the process tree
    peak_rss_mb: float  # RSS summed over the same tree (counts shared pages once per process)
    peak_parent_mb: float  # the `corpus run` process's own PSS peak
    peak_worker_mb: float  # the largest own PSS peak of any process below it
    stages: dict[str, float] = field(default_factory=dict)
    reuse: dict[str, float] = field(default_factory=dict)  # text_reuse: seconds, pairs by kind
    aggregates_seconds: float = 0.0
    compaction: dict[str, float] = field(default_factory=dict)  # when the run compacted the lake
    timeline: dict[str, float] = field(default_factory=dict)  # see bench.timeline
    busy: dict[str, Busy] = field(default_factory=dict)  # before / corpus_shards / after
    speed: float = 1.0  # the machine's speed around the run, as the yardstick measured it
    # ...and what it gave N processes at once then (pooled runs only; see ParallelYardstick)
    parallel_speed: float | None = None
    files_copied: int = 0  # exact copies given their original's rows (words counted all the same)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def corpus_run(
    label: str,
    seeds: Path,
    data: Path,
    home: Path,
    *,
    workers: int | None,
    say: Callable[[str], None],
) -> RunFigures:
    """`corpus run` as a user runs it, in a subprocess; its tree's peak memory sampled.
    `workers` None: the command's own default (every usable core)."""
    env = os.environ | {"DAGSTER_HOME": str(home)}
    command = [sys.executable, "-m", "pipeline.cli", "run", "--seeds", str(seeds)]
    command += ["--data", str(data)]
    if workers is not None:
        command += ["--workers", str(workers)]
    clock, launched = time.perf_counter(), time.time()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with (
        PeakMemory(tree(process.pid), every=MEMORY_EVERY) as memory,
        CpuSamples(tree(process.pid)) as cpu,
    ):
        for line in _lines(process.stderr):
            if "files (" in line:
                say(f"  {label}: {line.strip()}")
        process.wait()
    seconds, ended = time.perf_counter() - clock, time.time()
    if process.returncode != 0:
        raise RuntimeError(f"{label}: corpus run failed: {process.stdout.read().decode()[-500:]}")
    meta = _latest_metadata(home)
    aggregates = _latest_metadata(home, ("entity_counts",))
    events = _latest_run_events(home)
    spans = around_step(events, SHARD_STEP, launched=launched, ended=ended)
    return RunFigures(
        label=label,
        seconds=seconds,
        words=int(meta.get("words_annotated", 0)),
        files_processed=int(meta.get("files_processed", 0)),
        files_copied=int(meta.get("files_copied", 0)),
        peak_mb=memory.peak_pss / 2**20,
        peak_rss_mb=memory.peak_rss / 2**20,
        peak_parent_mb=memory.peak_each.get(process.pid, 0) / 2**20,
        peak_worker_mb=max(
            (pss for pid, pss in memory.peak_each.items() if pid != process.pid), default=0
        )
        / 2**20,
        stages={k.removeprefix("seconds_"): v for k, v in meta.items() if k.startswith("seconds_")},
        reuse=_latest_metadata(home, ("text_reuse",)),
        aggregates_seconds=aggregates.get("seconds", 0.0),
        compaction={k: v for k, v in aggregates.items() if k in COMPACTION_KEYS},
        timeline=split_wall_time(events, launched=launched, ended=ended),
        busy={name: _busy(cpu, span, process.pid) for name, span in spans.items()},
    )


def _busy(cpu: CpuSamples, span: tuple[float, float], parent: int) -> Busy:
    used = used_between(cpu.samples, *span)
    others = sum(seconds for pid, seconds in used.items() if pid != parent)
    return Busy(seconds=span[1] - span[0], parent=used.get(parent, 0.0), others=others)


def _lines(stream: object) -> Iterator[str]:
    for raw in iter(stream.readline, b""):
        yield raw.decode(errors="replace")


@contextmanager
def _instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """The bench's own Dagster instance, where its `corpus run` subprocesses record runs."""
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        yield instance


def _latest_metadata(
    home: Path, keys: tuple[str, ...] = ("documents", "annotations")
) -> dict[str, float]:
    with _instance(home) as instance:
        found: dict[str, float] = {}
        for key in keys:
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            if event is not None:
                meta = event.asset_materialization.metadata
                found |= {k: v.value for k, v in meta.items() if isinstance(v.value, int | float)}
        return found


def _latest_run_events(home: Path) -> list[Event]:
    """The event log of the instance's latest run (the one the bench just made)."""
    with _instance(home) as instance:
        runs = instance.get_runs(limit=1)
        entries = instance.all_logs(runs[0].run_id) if runs else []
        return [
            Event(entry.timestamp, entry.dagster_event.event_type_value, entry.step_key)
            for entry in entries
            if entry.dagster_event is not None
        ]

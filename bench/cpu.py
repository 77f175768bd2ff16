"""CPU seconds of a changing set of processes over time, sampled in a background thread, and
the CPU seconds each used between two moments (over the wall time between them: the cores
they kept busy).

A sample is a wall-clock time (`time.time()`, as Dagster's event timestamps) and each living
process's CPU seconds so far (user + system, all its threads). Between samples a process's CPU
is taken to grow linearly; before its first sample it had none, after its last it keeps what it
had (a process that exits between two samples loses at most one interval of its CPU).
"""

import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import psutil

from bench.memory import Processes, TreeSampler


@dataclass(frozen=True, slots=True)
class CpuSample:
    """Each process's CPU seconds (by pid) at one moment."""

    at: float
    seconds: dict[int, float]


class CpuSamples(TreeSampler):
    """CPU seconds of `processes()` every `every` seconds, kept in `samples`."""

    def __init__(self, processes: Processes, *, every: float = 0.5) -> None:
        super().__init__(processes, every=every)
        self.samples: list[CpuSample] = []

    def _take(self, processes: Iterable[psutil.Process]) -> None:
        self.samples.append(CpuSample(time.time(), cpu_seconds(processes)))


def cpu_seconds(processes: Iterable[psutil.Process]) -> dict[int, float]:
    """User + system CPU seconds of each process by pid; vanished ones skipped."""
    found: dict[int, float] = {}
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        found[process.pid] = times.user + times.system
    return found


def used_between(samples: Sequence[CpuSample], start: float, end: float) -> dict[int, float]:
    """CPU seconds each process used from `start` to `end` (wall-clock times)."""
    pids = {pid for sample in samples for pid in sample.seconds}
    return {pid: _at(samples, pid, end) - _at(samples, pid, start) for pid in pids}


def _at(samples: Sequence[CpuSample], pid: int, moment: float) -> float:
    """A process's CPU seconds at `moment`, interpolated between the points around it."""
    points = _points(samples, pid)
    if not points or moment < points[0][0]:
        return 0.0
    for (t0, c0), (t1, c1) in itertools.pairwise(points):
        if moment <= t1:
            return c0 + (c1 - c0) * (moment - t0) / (t1 - t0)
    return points[-1][1]


def _points(samples: Sequence[CpuSample], pid: int) -> list[tuple[float, float]]:
    """(time, CPU seconds) of a process: its samples, after a zero at the sample before its
    first one (it started in between)."""
    points = [(s.at, s.seconds[pid]) for s in samples if pid in s.seconds]
    earlier = [s.at for s in samples if points and s.at < points[0][0]]
    return [(earlier[-1], 0.0), *points] if earlier else points

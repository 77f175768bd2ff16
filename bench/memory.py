"""Peak memory of a changing set of processes, sampled in a background thread (the sampler is
shared with bench.cpu).

Both sums are kept: PSS (proportional set size: a page shared by k processes counts 1/k in
each, so the sum is what the tree really holds) and RSS (each process's resident pages whole,
so shared libraries and copy-on-write pages count once per process). PSS is the figure the
benchmarks judge by; RSS is printed beside it so the difference is visible.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Self

import psutil

Processes = Callable[[], Iterable[psutil.Process]]


class TreeSampler:
    """Samples `processes()` every `every` seconds in a background thread while entered;
    a subclass says what a sample keeps (`_take`)."""

    def __init__(self, processes: Processes, *, every: float = 0.5) -> None:
        self._processes = processes
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._take(self._processes())
            self._stop.wait(self._every)

    def _take(self, processes: Iterable[psutil.Process]) -> None:
        raise NotImplementedError


class PeakMemory(TreeSampler):
    """The largest PSS and RSS sums seen over `processes()`, sampled every `every` seconds,
    and the largest PSS each process reached on its own (by pid): a sum's peak depends on
    when the processes' own peaks happen to meet, each process's peak does not."""

    def __init__(self, processes: Processes, *, every: float = 0.5) -> None:
        super().__init__(processes, every=every)
        self.peak_pss = 0
        self.peak_rss = 0
        self.peak_each: dict[int, int] = {}

    def _take(self, processes: Iterable[psutil.Process]) -> None:
        each = sample_each(processes)
        self.peak_pss = max(self.peak_pss, sum(pss for pss, _ in each.values()))
        self.peak_rss = max(self.peak_rss, sum(rss for _, rss in each.values()))
        for pid, (pss, _) in each.items():
            self.peak_each[pid] = max(self.peak_each.get(pid, 0), pss)


def sample(processes: Iterable[psutil.Process]) -> tuple[int, int]:
    """(PSS sum, RSS sum) in bytes, each process counted once; vanished ones skipped."""
    each = sample_each(processes).values()
    return sum(pss for pss, _ in each), sum(rss for _, rss in each)


def sample_each(processes: Iterable[psutil.Process]) -> dict[int, tuple[int, int]]:
    """(PSS, RSS) in bytes of each process by pid; vanished ones skipped."""
    found: dict[int, tuple[int, int]] = {}
    for process in {p.pid: p for p in processes}.values():
        try:
            info = process.memory_full_info()
        except psutil.Error:
            continue
        found[process.pid] = (info.pss, info.rss)
    return found


def tree(pid: int) -> Processes:
    """The process `pid` and all its descendants, looked up afresh at each sample."""
    root = psutil.Process(pid)

    def processes() -> list[psutil.Process]:
        try:
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    return processes

"""Seconds per stage, kept by whoever runs the stages (as datatrove's `track_time`): a caller
that wants timings passes a `Timings` in; the functions it calls record into it and return
only their results."""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class Timings:
    """Seconds per stage, summed over every time the stage ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def merge(self, seconds: Mapping[str, float]) -> None:
        """Add the seconds another accumulator kept (e.g. a worker process's)."""
        for stage, value in seconds.items():
            self.add(stage, value)

    @contextmanager
    def track(self, stage: str) -> Iterator[None]:
        """Time the block as `stage`."""
        clock = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - clock)

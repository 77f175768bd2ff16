"""What a run does with a batch whose worker process died on it (out of memory, a crash in
native code): the same for local workers and Ray actors.

The batch is split in halves, each its own batch, and both are run again, until the file that
kills its worker is alone; a file alone that kills its worker twice is `rejected` with the
reason, and the run goes on. One poison file among 200 costs ~10 deaths. A batch not yet split
may first be run again whole (`retry_whole`, for Ray: its actor may have died with its node,
not of the batch). Past `max_deaths` in one run something else is wrong (the machine's memory,
a broken model) and the run stops.
"""

from pipeline.run.batches import BatchResult, BatchSpec, rejected_batch, split_batch

MAX_DEATHS = 50  # per run: ~5 poison files; each death restarts a worker and its model
DIED = "the annotating process died on this file"


class WorkerDeathsError(RuntimeError):
    """Worker processes died too often in one run for single bad files to explain it."""


class Retries:
    """The retry and rejection policy of one run (it counts deaths per batch and in all)."""

    def __init__(self, *, retry_whole: bool = False, max_deaths: int = MAX_DEATHS) -> None:
        self._retry_whole = retry_whole
        self._max_deaths = max_deaths
        self._deaths: dict[str, int] = {}
        self._pieces: set[str] = set()  # batches made by splitting another
        self.total = 0

    def after_death(self, spec: BatchSpec, reason: str) -> list[BatchSpec] | BatchResult:
        """The batches to run instead of `spec`, first; or, for a file that keeps killing its
        worker, its `rejected` rows."""
        self.total += 1
        if self.total > self._max_deaths:
            raise WorkerDeathsError(
                f"worker processes died {self.total} times in this run (the last: {reason}), "
                "too often for single bad files to explain; is the machine out of memory?"
            )
        deaths = self._deaths[spec.batch_id] = self._deaths.get(spec.batch_id, 0) + 1
        whole = self._retry_whole and deaths == 1 and spec.batch_id not in self._pieces
        halves = None if whole else split_batch(spec)
        if halves is not None:
            self._pieces.update(half.batch_id for half in halves)
            return list(halves)
        if whole or deaths == 1:
            return [spec]
        return rejected_batch(spec, f"{DIED}: {reason}")

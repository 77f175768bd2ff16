"""Bring the lake in step with the folder for some shards: plan from a stat-only scan and the
`files` table, process only new, changed or re-versioned files in batches, commit each batch in
one transaction, and delete the rows of files that are gone.
"""

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa

from pipeline.lake import aggregates
from pipeline.lake.documents import (
    copy_sources,
    delete_documents,
    fill_copies,
    touch_files,
    write_batch,
)
from pipeline.lake.lines import cleaned_with, common_lines, record_cleaned_with
from pipeline.lake.store import LakeWriter
from pipeline.run.batches import BatchResult, BatchSpec, count_words
from pipeline.run.copies import copy_hints, file_digests
from pipeline.run.executors import Executor
from pipeline.run.plan import SyncOptions, plan
from pipeline.run.recleaning import reclean_items
from pipeline.stages.document import WorkItem
from pipeline.timing import Timings


@dataclass(slots=True)
class SyncReport:
    """What a sync did; every field is a count, for the summary and the UI."""

    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0
    files_processed: int = 0
    files_touched: int = 0
    files_rejected: int = 0
    files_recleaned: int = 0  # cleaned again: a line they hold became, or stopped being, common
    files_copied: int = 0  # exact copies given their original's annotation instead of a parse
    sentences: int = 0
    tokens: int = 0
    entities: int = 0
    removed_lines: int = 0
    words: int = 0
    batches_committed: int = 0
    batches_already_committed: int = 0


Progress = Callable[[int, int, SyncReport], None]


@dataclass(frozen=True, slots=True)
class Committed:
    """A batch result once written, and whether it was new."""

    result: BatchResult
    new: bool
    tables: dict[str, pa.Table]  # what was written: the result's, with its copies' rows
    unmatched: list[str]  # copies whose original had another text: to parse after all


# Measured on 2 workers over 2,225 BBC files: 12 batches of 200 left one worker idle for the
# ~15 s of the last full batch (12% of the run); the last 400 files in 8 batches of 50 cut
# that to ~4 s (a CPU timeline: one worker idle from 157.4 to 161.4 s of 165 s). Batches that
# shrink as the work runs out ("guided" scheduling: each a quarter of what is left, so two
# workers take at most half of it, down to TAIL_MIN_SHARE of a batch) end the run within a
# batch of ~12 files: one worker idle for 0.5 s in the next timeline, for 4 more commits.
TAIL_FULL_BATCHES = 2
TAIL_SHARE = 4
TAIL_MIN_SHARE = 16


def batch_specs(
    items: tuple[WorkItem, ...],
    options: SyncOptions,
    version: str,
    *,
    split_tail: bool = True,
    common: frozenset[int] = frozenset(),
    run_id: str | None = None,
    hints: Mapping[str, str] | None = None,
) -> list[BatchSpec]:
    """Batches of `batch_docs` files, except (with `split_tail`, for parallel workers) the last
    two batches' worth, which go out in shrinking ones: the workers then finish within a small
    batch of each other instead of one parsing a full last batch while the others wait. Each
    is cleaned with the `common` lines (the corpus's boilerplate when it was planned) and
    carries the `hints` (copy -> original, run/copies.py) of its files."""
    run_id = run_id or uuid.uuid4().hex
    hints = hints or {}
    bounds = batch_bounds(len(items), max(1, options.batch_docs), split_tail=split_tail)
    specs = []
    for start, end in bounds:
        batch = items[start:end]
        copies = tuple((i.doc_id, hints[i.doc_id]) for i in batch if i.doc_id in hints)
        specs.append(
            BatchSpec(batch, version, options.max_bytes, run_id, common, options.params, copies)
        )
    return specs


def batch_bounds(n_items: int, size: int, *, split_tail: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each batch: full ones, then a tail in batches of a quarter of what is
    left, none smaller than a sixteenth of a batch (a small run stays one batch)."""
    if not split_tail:
        return [(start, min(start + size, n_items)) for start in range(0, n_items, size)]
    head = max(0, n_items - TAIL_FULL_BATCHES * size) // size * size
    starts = list(range(0, head, size))
    smallest = max(size // TAIL_MIN_SHARE, 1)
    start = head
    while start < n_items:
        starts.append(start)
        start += max(-(-(n_items - start) // TAIL_SHARE), smallest)
    ends = [*starts[1:], n_items] if starts else []
    return list(zip(starts, ends, strict=True))


def sync(
    lake: LakeWriter,
    options: SyncOptions,
    shards: Collection[int],
    executor: Executor,
    *,
    version: str,
    timings: Timings,
    progress: Progress | None = None,
) -> SyncReport:
    """Plan, process and commit, through the writer's connection (lock held). `timings` gets
    the seconds of each stage: `scan`, `wait` (for the executor: for worker pools, the wall
    time of NLP), `commit` (the commits' own time) and `commit_wait` (what the run waited for
    them), and the stages the executor ran (`read_clean`, `nlp`, `convert`).

    Batches are cleaned with the lines every document was cleaned with as common when the run
    planned; then the documents holding a line whose common status moved from that set
    (anywhere in the corpus) are cleaned again with the final one, so the lake is what
    cleaning every document with it would give, whatever order the files came in, at the
    cost of only those documents."""
    report = SyncReport()
    lake.code_version = version  # what this run's commits say made their rows
    with timings.track("scan"):
        the_plan = plan(lake, options, shards, version)
        # what every document was cleaned with when the last run ended (not the counts: a run
        # killed before it re-cleaned left counts its documents were not cleaned with)
        common = cleaned_with(lake)
    report.files_seen, report.files_unchanged = the_plan.n_seen, the_plan.n_unchanged
    report.files_new, report.files_changed = the_plan.n_new, the_plan.n_changed
    # Kept by difference in each commit, unless their SQL changed: then rebuilt after the run.
    keep = aggregates.is_current(lake)
    # deleting is on the run's path, as a commit waited for is
    with timings.track("commit"), timings.track("commit_wait"):
        report.files_deleted = delete_documents(lake, the_plan.deleted, keep_aggregates=keep)

    run = _Run(lake, executor, options, version, timings, report, progress, keep, uuid.uuid4().hex)
    items = the_plan.items
    done, total = 0, len(items)
    for round_no in range(MAX_RECLEAN_ROUNDS + 1):
        report.files_recleaned += len(items) if round_no else 0
        done = run.round(items, common, done, total)
        final = common_lines(lake, options.params.common_min_groups)
        if final == common or round_no == MAX_RECLEAN_ROUNDS:
            break
        with timings.track("scan"):
            items = reclean_items(lake, options.seeds_dir, options.n_shards, common ^ final)
        common = final
        total += len(items)
    record_cleaned_with(lake, common)
    return report


# A re-cleaning writes no line counts unless a file changed on disk during the run; a bound
# on the rounds keeps a folder that keeps changing from holding the run.
MAX_RECLEAN_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class _Run:
    """What every round of a sync shares."""

    lake: LakeWriter
    executor: Executor
    options: SyncOptions
    version: str
    timings: Timings
    report: SyncReport
    progress: Progress | None
    keep: bool  # keep the aggregates by difference in each commit
    run_id: str

    def round(
        self, items: tuple[WorkItem, ...], common: frozenset[int], done: int, total: int
    ) -> int:
        """Process `items` cleaned with `common`, their exact copies annotated once; then the
        copies whose original turned out to have another text, parsed. Returns files done."""
        with self.timings.track("scan"):
            hints = self._hints(items)
        unmatched: list[str] = []
        done = self._batches(items, common, hints, (done, total), unmatched)
        if unmatched:
            parse = set(unmatched)
            again = tuple(item for item in items if item.doc_id in parse)
            done = self._batches(again, common, {}, (done, total), [])
        return done

    def _hints(self, items: tuple[WorkItem, ...]) -> dict[str, str]:
        digests = file_digests(items, self.options.max_bytes)
        planned = {item.doc_id for item in items}
        sources = copy_sources(self.lake, digests.values(), self.version)
        in_lake = [(doc_id, digest) for doc_id, digest in sources if doc_id not in planned]
        return copy_hints(items, digests, in_lake)

    def _batches(
        self,
        items: tuple[WorkItem, ...],
        common: frozenset[int],
        hints: Mapping[str, str],
        shown: tuple[int, int],
        unmatched: list[str],
    ) -> int:
        """Run the items' batches and commit each; returns the files done so far, and adds to
        `unmatched` the copies to parse after all."""
        # one process gains nothing from a split tail: it would only commit more often
        specs = batch_specs(
            items, self.options, self.version, split_tail=self.executor.parallel,
            common=common, run_id=self.run_id, hints=hints,
        )  # fmt: skip
        done, total = shown
        if not specs:
            return done
        return _process(self, specs, (self.progress, done, total), unmatched)


def _process(
    run: _Run,
    specs: list[BatchSpec],
    shown: tuple[Progress | None, int, int],
    unmatched: list[str],
) -> int:
    """The batches run and committed in order (see `_Run._batches`)."""
    progress, done, total = shown
    lake, timings, report, keep = run.lake, run.timings, run.report, run.keep
    # Each batch is committed on a second thread while the next one is parsed (DuckDB works
    # without the GIL); one commit at a time, in order, and a failed commit stops the run.
    with lake.single_threaded(), ThreadPoolExecutor(1, thread_name_prefix="commit") as committer:
        pending: Future | None = None
        for result in _waited(run.executor.run(specs, timings), timings):
            if pending is not None:
                done += _account(
                    report, _wait(pending, timings), (progress, total, done), unmatched
                )
            pending = committer.submit(_commit, lake, result, timings, keep)
        if pending is not None:
            done += _account(report, _wait(pending, timings), (progress, total, done), unmatched)
    return done


def _wait(pending: Future, timings: Timings) -> Committed:
    with timings.track("commit_wait"):
        return pending.result()


def _commit(lake: LakeWriter, result: BatchResult, timings: Timings, keep: bool) -> Committed:
    with timings.track("commit"):
        tables, unmatched = fill_copies(lake, result.tables, result.elsewhere)
        new = write_batch(lake, result.batch_id, tables, keep_aggregates=keep)
        touch_files(lake, result.touched)
    return Committed(result, new, tables, unmatched)


def _account(
    report: SyncReport,
    committed: Committed,
    shown: tuple[Progress | None, int, int],
    unmatched: list[str],
) -> int:
    """Add a committed batch to the report and show progress; returns the files it covered."""
    progress, total, done = shown
    result = committed.result
    if committed.new:
        report.batches_committed += 1
        _count(report, committed.tables)
        unmatched.extend(committed.unmatched)
        copied = result.n_shared + result.elsewhere.num_rows - len(committed.unmatched)
        report.files_copied += copied
    else:
        report.batches_already_committed += 1
    report.files_touched += result.touched.num_rows
    report.files_rejected += result.n_rejected
    # the words written, copies' too (what parsing every file would have cost)
    report.words += count_words(committed.tables["tokens"])
    files = committed.tables["files"].num_rows + result.touched.num_rows
    if progress is not None:
        progress(done + files, total, report)
    return files


def _waited(results: Iterator[BatchResult], timings: Timings) -> Iterator[BatchResult]:
    """Time spent waiting on the executor, which for worker pools is the wall time of NLP."""
    while True:
        with timings.track("wait"):
            result = next(results, None)
        if result is None:
            return
        yield result


def _count(report: SyncReport, tables: dict) -> None:
    report.files_processed += tables["files"].num_rows
    report.sentences += tables["sentences"].num_rows
    report.tokens += tables["tokens"].num_rows
    report.entities += tables["entities"].num_rows
    report.removed_lines += tables["removed_lines"].num_rows

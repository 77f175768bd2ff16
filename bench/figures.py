"""The benchmark's figures: the table, the profile, and the goals, as printed lines."""

from bench.bare import BarePass
from bench.goals import Measured, judge, verdict_lines
from bench.runs import SHARD_STEP, RunFigures
from bench.timeline import dagster_share
from bench.yardsticks import YARDSTICK_EVERY, BareFigures
from pipeline.settings import usable_cores

REUSE_KINDS = ("exact", "near_duplicate", "rewrite", "partial")


def _done(run: RunFigures, bare_rate: float) -> str:
    """A run's figures as soon as it is over, so a later failure loses none of them."""
    ratio = run.words_per_second / bare_rate
    return (
        f"  {run.label}: {run.words_per_second:,.0f} words/s = {ratio:.2f} x bare "
        f"({ratio / run.speed:.2f} at speed {run.speed:.2f}) in {run.seconds:.1f} s; peak PSS "
        f"{run.peak_mb:.0f} MB (parent {run.peak_parent_mb:.0f}, largest worker "
        f"{run.peak_worker_mb:.0f}); spaCy {run.stages.get('nlp', 0.0) / run.seconds:.2f} "
        "of the wall time"
        + (f"; {run.files_copied} exact copies annotated once" if run.files_copied else "")
    )


def report_lines(figures: dict, *, workers: int, copies: int) -> list[str]:
    """Every line the benchmark ends with: the table, the profile, the lake's figures, the
    single-threaded yardstick and the goals."""
    return [
        *_table_lines(figures, workers),
        *_profile_lines(figures, workers, copies),
        *_lake_lines(figures),
        *_single_threaded_lines(figures, workers),
        *verdict_lines(judge(goal_figures(figures, workers=workers, copies=copies))),
    ]


def _table_lines(figures: dict, workers: int) -> list[str]:
    bare: BareFigures = figures["bare"]
    bare_rate = bare.rate
    single, pooled, big, _ = figures["runs"]
    lines = [
        "",
        "== figures ==",
        f"{'':28}{'words/s':>10}{'x bare':>8}{'seconds':>9}{'PSS MB':>9}{'RSS MB':>9}"
        f"{'speed':>7}{'x bare at speed':>17}",
    ]
    lines.append(f"{'bare spaCy (1 core)':28}{bare_rate:>10,.0f}{1:>8.2f}{bare.seconds:>9.1f}")
    parallel: BarePass = figures["bare_parallel"]
    parallel_rate = parallel.words / parallel.seconds
    lines.append(f"{f'bare spaCy ({workers} at once)':28}{parallel_rate:>10,.0f}"
                 f"{parallel_rate / bare_rate:>8.2f}{parallel.seconds:>9.1f}")  # fmt: skip
    labels = ("1 core", f"{workers} at once")
    for label, done in zip(labels, figures["single_threaded"], strict=True):
        rate = done.words / done.seconds
        lines.append(f"{f'bare, 1 thread ({label})':28}{rate:>10,.0f}{rate / bare_rate:>8.2f}"
                     f"{done.seconds:>9.1f}")  # fmt: skip
    for run in (single, pooled, big):
        ratio = run.words_per_second / bare_rate
        lines.append(
            f"{'corpus run, ' + run.label:28}{run.words_per_second:>10,.0f}{ratio:>8.2f}"
            f"{run.seconds:>9.1f}{run.peak_mb:>9.0f}{run.peak_rss_mb:>9.0f}"
            f"{run.speed:>7.2f}{ratio / run.speed:>17.2f}"
        )
    lines.append(
        f"speed: the yardstick (bare spaCy on every {YARDSTICK_EVERY}th text) around each run "
        "over its pace right after the bare run; x bare at speed = x bare / speed"
    )
    lines.extend(_parallel_lines(pooled, big, parallel_rate, workers))
    lines.append(_bare_line(bare, single))
    lines.append(f"cleaning alone (bare pass): {bare.clean_seconds:.1f} s")
    return lines


def _profile_lines(figures: dict, workers: int, copies: int) -> list[str]:
    bare: BareFigures = figures["bare"]
    single, pooled, big, increment = figures["runs"]
    lines = []
    # The machine's speed drifts by up to ~15% over minutes; the spaCy seconds timed inside a
    # run against that run's wall time is the same comparison with the drift cancelled.
    shares = ", ".join(
        f"{run.label} {run.stages.get('nlp', 0.0) / run.seconds:.2f}"
        for run in (single, pooled, big)
    )
    lines.append(f"spaCy seconds inside each run (summed over processes) / its wall time: {shares}")
    lines.append("stage seconds, 1-process run: " + _stages(single))
    # commits run beside the next batch's parsing: only the time waited for them adds up
    measured = sum(single.stages.get(k, 0.0) for k in ("scan", "wait", "commit_wait"))
    step = single.timeline.get("corpus_shards", 0.0)
    lines.append(f"  of its corpus_shards step's {step:.1f} s: scan+process+commit "
                 f"{measured:.1f} s, the rest {step - measured:.1f} s (opening the lake, the row "
                 "counts of its metadata, the step's events)")  # fmt: skip
    lines.append("where each command's wall time went, in order (seconds):")
    lines.extend(f"  {_timeline(run)}" for run in (single, pooled, big, increment))
    cores = usable_cores()
    lines.append(f"cores busy before, during and after each run's {SHARD_STEP} step (CPU seconds "
                 f"of its processes / wall seconds; {cores} cores here), its CPU against bare "
                 "spaCy's for the same words, and the core-seconds it left idle:")  # fmt: skip
    per_word = bare.seconds / bare.words
    lines.extend(f"  {_busy_line(run, cores, per_word)}" for run in (single, pooled, big))
    lines.append(f"memory (PSS of the process tree): 1 copy {pooled.peak_mb:.0f} MB vs {copies} "
                 f"copies {big.peak_mb:.0f} MB ({workers} workers each)")  # fmt: skip
    lines.append(f"  each process's own peak: parent {pooled.peak_parent_mb:.0f} vs "
                 f"{big.peak_parent_mb:.0f} MB, largest worker {pooled.peak_worker_mb:.0f} vs "
                 f"{big.peak_worker_mb:.0f} MB")  # fmt: skip
    return lines


def _lake_lines(figures: dict) -> list[str]:
    single, pooled, big, increment = figures["runs"]
    lake = figures["lake"]
    lines = []
    each = " / ".join(f"{run.seconds:.1f}" for run in figures["increments"])
    lines.append(f"+1 file on {figures['files'][1]} files: {increment.files_processed} file(s) "
                 f"through NLP, whole command {increment.seconds:.1f} s (median of {each} s; "
                 f"speed {increment.speed:.2f})")  # fmt: skip
    lines.append(f"  of which text reuse {increment.reuse.get('seconds', 0):.1f} s "
                 f"({increment.reuse.get('documents_compared', 0):.0f} document(s) compared), "
                 f"aggregates {increment.aggregates_seconds:.1f} s")  # fmt: skip
    for run in (single, big):
        kinds = ", ".join(f"{k} {run.reuse.get(k, 0):.0f}" for k in REUSE_KINDS)
        lines.append(f"text reuse over {run.label}: {kinds} pairs in "
                     f"{run.reuse.get('seconds', 0):.1f} s (NLP of that run: "
                     f"{run.stages.get('nlp', 0):.0f} s)")  # fmt: skip
    lines.append(f"aggregates rebuild: {lake['aggregates_seconds']:.2f} s; "
                 f"top-entities query: {lake['query_seconds']:.3f} s")  # fmt: skip
    lines.append(f"data files: {lake['data_files_before']:.0f} before maintenance, "
                 f"{lake['data_files_after']:.0f} after "
                 f"({lake['maintenance_seconds']:.1f} s)")  # fmt: skip
    for run in (single, pooled, big, increment):
        if run.compaction:
            lines.append(f"  the {run.label} run compacted the lake itself: "
                         f"{run.compaction['data_files_before']:.0f} -> "
                         f"{run.compaction['data_files_after']:.0f} data files "
                         f"({run.compaction['maintenance_seconds']:.1f} s)")  # fmt: skip
    lines.append(f"replace one document: {lake['replace_one_seconds']:.2f} s; "
                 f"delete one document: {lake['delete_one_seconds']:.2f} s")  # fmt: skip
    return lines


def goal_figures(figures: dict, *, workers: int, copies: int) -> Measured:
    """The figures the goals are judged on, unrounded."""
    bare_rate = figures["bare"].rate
    single, pooled, big, increment = figures["runs"]
    lake = figures["lake"]
    return Measured(
        copies=copies,
        workers=workers,
        one_process_x_bare=single.words_per_second / bare_rate,
        pooled_x_bare=pooled.words_per_second / bare_rate,
        copies_x_bare=big.words_per_second / bare_rate,
        peak_mb=(single.peak_mb, pooled.peak_mb, big.peak_mb),
        increment_seconds=increment.seconds,
        increment_files=increment.files_processed,
        aggregates_seconds=lake["aggregates_seconds"],
        query_seconds=lake["query_seconds"],
        data_files=(int(lake["data_files_before"]), int(lake["data_files_after"])),
        run_compaction=_compaction(big),
        replace_seconds=lake["replace_one_seconds"],
        delete_seconds=lake["delete_one_seconds"],
    )


def _compaction(run: RunFigures) -> tuple[int, int] | None:
    if not run.compaction:
        return None
    return int(run.compaction["data_files_before"]), int(run.compaction["data_files_after"])


def _bare_line(bare: BareFigures, single: RunFigures) -> str:
    """The two bare passes the `x bare` column averages, and the 1-process run against each."""
    against = " / ".join(
        f"{single.words_per_second * seconds / bare.words:.2f}"
        for seconds in (bare.seconds_before, bare.seconds_after)
    )
    return (
        f"bare spaCy (1 core, a fresh process each): the mean of {bare.seconds_before:.1f} s "
        f"just before the 1-process run and {bare.seconds_after:.1f} s right after it; the "
        f"1-process run against each: {against} x"
    )


def _single_threaded_lines(figures: dict, workers: int) -> list[str]:
    """The runs against bare spaCy started as the workers are: the goals below are judged
    against bare spaCy as a user's script runs it, which the workers outpace per core."""
    one, many = figures["single_threaded"]
    single, pooled, big, _ = figures["runs"]
    one_rate, many_rate = one.words / one.seconds, many.words / many.seconds
    against = ", ".join(
        f"{run.label} {run.words_per_second / one_rate:.2f} x" for run in (single, pooled, big)
    )
    shares = ", ".join(
        f"{run.label} {run.words_per_second / many_rate:.0%}" for run in (pooled, big)
    )
    return [
        f"bare spaCy, 1 thread: started as the workers are (numpy's BLAS and pyarrow's allocator "
        f"without threads of their own), {one.threads} thread(s) in the process against "
        f"{figures['bare_threads']} as a user's script runs; {one_rate / figures['bare'].rate:.2f}"
        " x its words/s",
        f"  the runs against it (the goals below use bare spaCy as a user runs it): {against}; "
        f"the pooled runs over {workers} such processes at once: {shares}",
    ]


def _timeline(run: RunFigures) -> str:
    parts = ", ".join(f"{part} {seconds:.1f}" for part, seconds in run.timeline.items())
    return (
        f"{run.label}, {run.seconds:.1f} s: {parts}; Dagster outside the steps "
        f"{dagster_share(run.timeline):.1f} s"
    )


def _busy_line(run: RunFigures, cores: int, bare_per_word: float) -> str:
    spans = ", ".join(
        f"{name} {busy.seconds:.1f} s: {busy.cores:.2f} (parent {busy.parent / busy.seconds:.2f})"
        for name, busy in run.busy.items()
        if busy.seconds > 0
    )
    cpu = sum(busy.parent + busy.others for busy in run.busy.values())
    idle = sum(max(cores - busy.cores, 0.0) * busy.seconds for busy in run.busy.values())
    return (
        f"{run.label}: {spans}; CPU {cpu:.1f} s = {cpu / (bare_per_word * run.words):.2f} x "
        f"bare; idle {idle:.1f} core-s = {idle / cores:.1f} s of its wall time"
    )


def _stages(run: RunFigures) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in sorted(run.stages.items()))


def _parallel_lines(
    pooled: RunFigures, big: RunFigures, parallel_rate: float, workers: int
) -> list[str]:
    """The pooled runs against what N bare processes got from the machine around them."""
    runs = [run for run in (pooled, big) if run.parallel_speed]
    if not runs:
        return []
    speeds = ", ".join(f"{run.label} {run.parallel_speed:.2f}" for run in runs)
    shares = ", ".join(
        f"{run.label} {run.words_per_second / (parallel_rate * run.parallel_speed):.0%}"
        for run in runs
    )
    return [
        f"{workers}-process speed: the same sample parsed by {workers} bare processes at once "
        f"around each pooled run, over its pace right after the {workers}-at-once run: {speeds}",
        f"  each pooled run's words/s over what {workers} bare processes reached around it "
        f"({parallel_rate:,.0f} words/s x that speed): {shares}",
    ]

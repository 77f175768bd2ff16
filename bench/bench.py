"""The benchmark: bare spaCy against the whole pipeline on the same texts, in one run.

Phases (each printed as it goes, figures at the end):
1. N bare spaCy processes parsing shares of the cleaned texts at once (the machine's parallel
   ceiling); then bare spaCy: `nlp.pipe` over the cleaned texts on one core, no storage, in a
   fresh process that loads the model first, as the pipeline meets the texts (see `bare_spacy`);
2. `corpus run` over 1 copy of the corpus, one process, into a fresh lake, and bare spaCy
   again right after it: every `x bare` is against the mean of the two bare passes, which
   bracket the 1-process run (see `BareFigures`);
3. the same with N worker processes; then bare spaCy again, N at once and then one, in
   processes started single-threaded as the workers are (see `bench.bare`), to show what
   the workers gain from that apart from the pipeline's own costs (the goals are judged
   against bare spaCy as a user's script runs it);
4. `corpus run` over K copies (new names), to see memory stay flat as the corpus grows;
5. one file added to the K-copy corpus and the whole command timed, three times (the median is
   reported: a run of seconds is at the mercy of the machine's drift);
6. the aggregate pass, a typical query, table maintenance (data files before and after), and
   replacing / deleting one document, on the K-copy lake;
and last, each goal of bench.goals met or not, judged on the unrounded figures.
Each `corpus run` is a subprocess whose whole process tree is sampled for peak memory every 2 s
(PSS, with the RSS sum beside it, and each process's own peak; see bench.memory); stage times
come from the run's own metadata in its Dagster instance, and each command's wall time is split
into its start-up, Dagster's own time, each step and its exit by the run's event log
(bench.timeline). The tree's CPU seconds are sampled too (bench.cpu): how many cores its
processes kept busy before, during and after the step that parses shows where a pooled run
leaves cores idle.
This machine's speed drifts by up to ~15% within minutes, so a fixed sample of the texts is
parsed again just before and after each timed run (the yardstick): each run is also compared
with bare spaCy scaled by the machine's speed then. What the cores give N processes at once
drifts on its own, so around each pooled run the sample is also parsed by N bare processes at
once (the parallel yardstick).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import dagster as dg
from spacy.language import Language

from bench.bare import BarePass, bare_spacy, count_words
from bench.cpu import CpuSamples, used_between
from bench.goals import Measured, judge, verdict_lines
from bench.memory import PeakMemory, tree
from bench.timeline import Event, around_step, dagster_share, split_wall_time
from pipeline.lake import Lake
from pipeline.lake.aggregates import refresh_aggregates
from pipeline.lake.documents import delete_documents, document_rows, write_batch
from pipeline.lake.maintenance import count_data_files, maintain
from pipeline.run.batches import NLP_BATCH_SIZE
from pipeline.settings import DEFAULT_MAX_BYTES, usable_cores
from pipeline.stages.annotate import load_model
from pipeline.stages.document import WorkItem, prepare
from pipeline.stages.ingest import scan

REUSE_KINDS = ("exact", "near_duplicate", "rewrite")
COMPACTION_KEYS = ("data_files_before", "data_files_after", "maintenance_seconds")
INCREMENT_RUNS = 3  # a +1 run lasts seconds and the machine's pace drifts: report the median
YARDSTICK_EVERY = 15  # every 15th cleaned text: ~150 BBC articles, ~15 s of spaCy
# Reading a process's PSS walks its page tables: 10.7 ms of CPU for a 450 MB one. Every 0.5 s
# over a pooled run's three processes that took ~0.06 cores from its workers (1.76-1.78 vs
# 1.81-1.84 cores busy in the shard step, 742 BBC files, runs alternated); every 2 s, a quarter.
MEMORY_EVERY = 2.0
SHARD_STEP = "corpus_shards"  # the step that parses: the cores are judged around it
TOP_ENTITIES = "top_entities"  # sql/top_entities.sql, the query `corpus run` prints


@dataclass(frozen=True, slots=True)
class Busy:
    """What a run's processes did on the cores over one span of its wall time."""

    seconds: float  # the span's wall time
    parent: float  # CPU seconds of the `corpus run` process
    others: float  # CPU seconds of the processes below it (the workers, a helper)

    @property
    def cores(self) -> float:
        return (self.parent + self.others) / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class BareFigures:
    """Bare spaCy on one core over the cleaned texts, timed twice, each in a fresh process: just
    before the 1-process run and right after it. Every `x bare` is against the mean of the
    two, as the machine's pace drifts over a benchmark of half an hour: a bare pass taken
    minutes before a run is not the pace the run had (see `Yardstick`)."""

    seconds_before: float
    seconds_after: float
    words: int
    clean_seconds: float  # the pass that cleaned the texts, before either

    @property
    def seconds(self) -> float:
        return (self.seconds_before + self.seconds_after) / 2

    @property
    def rate(self) -> float:
        return self.words / self.seconds


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

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


class Yardstick:
    """Bare spaCy's words/s on a fixed sample of the cleaned texts, relative to the first time
    it was measured (right after the full bare run): 0.9 means the machine runs 10% slower.
    The model is this process's own, and it parses the sample once before the first timing:
    every timed pass then finds the sample in its caches alike (see `bare_spacy`)."""

    FIELD = "speed"  # the RunFigures field `around` sets

    def __init__(self, nlp: Language, texts: list[str]) -> None:
        self._nlp = nlp
        self._texts = texts[::YARDSTICK_EVERY]
        self._rate()
        self._first = self._rate()

    def _rate(self) -> float:
        clock = time.perf_counter()
        words = sum(
            count_words(doc) for doc in self._nlp.pipe(self._texts, batch_size=NLP_BATCH_SIZE)
        )
        return words / (time.perf_counter() - clock)

    def speed(self) -> float:
        return self._rate() / self._first

    def around(self, run: Callable[[], "RunFigures"]) -> "RunFigures":
        """The run, its `speed` the mean of the yardstick just before and just after it."""
        before = self.speed()
        figures = run()
        setattr(figures, self.FIELD, (before + self.speed()) / 2)
        return figures


class ParallelYardstick(Yardstick):
    """The same sample parsed by N fresh bare processes at once (shares, as `bare_spacy`),
    relative to the first time: what the two cores give N processes drifts apart from what
    they give one (1.78-2.10 x one process in different benchmark runs)."""

    FIELD = "parallel_speed"

    def __init__(self, model: str, texts: list[str], processes: int) -> None:
        self._model, self._processes = model, processes
        self._texts = texts[::YARDSTICK_EVERY]
        self._first = self._rate()

    def _rate(self) -> float:
        done = bare_spacy(self._texts, self._model, processes=self._processes)
        return done.words / done.seconds


def replicate(corpus: Path, target: Path, copies: int, limit: int | None = None) -> int:
    """K copies of every text file under new names (copy_N/...), so each is a new document."""
    sources = [p for p in sorted(corpus.rglob("*.txt")) if p.name.upper() != "README.TXT"]
    count = 0
    for copy in range(copies):
        for source in sources[:limit]:
            destination = target / f"copy_{copy}" / source.relative_to(corpus)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            count += 1
    return count


def cleaned_texts(seeds: Path) -> tuple[list[str], float]:
    """The cleaned texts the pipeline would annotate, and the seconds cleaning them took."""
    clock = time.perf_counter()
    texts = [t for t in (_cleaned(file) for file in scan(seeds, 16)) if t]
    return texts, time.perf_counter() - clock


def _cleaned(file: object) -> str:
    item = WorkItem(file.doc_id, str(file.path), 0, file.n_bytes, 0, None, None, True)
    document = prepare(item, max_bytes=DEFAULT_MAX_BYTES).document
    ok = document["status"] == "ok" and document["language"] in ("en", "und")
    return str(document["text"]) if ok else ""


def corpus_run(
    label: str, seeds: Path, data: Path, home: Path, *, workers: int, say: Callable[[str], None]
) -> RunFigures:
    """`corpus run` as a user runs it, in a subprocess; its tree's peak memory sampled."""
    env = os.environ | {"DAGSTER_HOME": str(home)}
    command = [sys.executable, "-m", "pipeline.cli", "run", "--seeds", str(seeds)]
    command += ["--data", str(data), "--workers", str(workers)]
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


@contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    clock = time.perf_counter()
    yield box
    box.append(time.perf_counter() - clock)


def lake_figures(data: Path) -> dict[str, float]:
    """Aggregates, a typical query, maintenance, and replacing / deleting one document."""
    figures: dict[str, float] = {}
    lake = Lake(data)
    with lake.writer() as writer:
        with timed() as t:
            refresh_aggregates(writer)
        figures["aggregates_seconds"] = t[0]
        figures["data_files_before"] = count_data_files(writer)
        with timed() as t:
            files = maintain(writer)
        figures["maintenance_seconds"] = t[0]
        figures["data_files_after"] = files["data_files_after"]
        doc_id = writer.row("lake/first_document")[0]
        with timed() as t:
            # one document's rows rewritten in every table in one transaction, as a changed
            # file's are
            write_batch(writer, f"bench-replace-{time.time_ns()}", document_rows(writer, doc_id))
        figures["replace_one_seconds"] = t[0]
        with timed() as t:
            delete_documents(writer, [doc_id])
        figures["delete_one_seconds"] = t[0]
    with lake.reader() as reader, timed() as t:
        reader.rows(TOP_ENTITIES)
    figures["query_seconds"] = t[0]
    return figures


def run_bench(
    corpus: Path,
    *,
    copies: int,
    workers: int,
    model: str,
    limit: int | None = None,
    out: TextIO = sys.stdout,
) -> dict[str, object]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        root = Path(tmp)
        return _bench(
            corpus, root, copies=copies, workers=workers, model=model, limit=limit, say=say
        )


def _bench(
    corpus: Path,
    root: Path,
    *,
    copies: int,
    workers: int,
    model: str,
    limit: int | None,
    say: Callable[[str], None],
) -> dict[str, object]:
    one, many, home = root / "one", root / "many", root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    n_one = replicate(corpus, one, 1, limit)
    say(f"corpus: {corpus} ({n_one} files); replicas: {copies} copies")

    say("1/6 reading and cleaning the texts as the pipeline does")
    texts, clean_seconds = cleaned_texts(one)
    say(f"1/6 bare spaCy, {workers} fresh processes at once over shares of the cleaned texts")
    parallel = bare_spacy(texts, model, processes=workers)
    say(f"  {parallel.words:,} words in {parallel.seconds:.1f} s")
    parallel_yardstick = ParallelYardstick(model, texts, workers)
    say("1/6 bare spaCy, one fresh process, no storage, before the 1-process run (and after it)")
    first = bare_spacy(texts, model, say=say)
    before, words = first.seconds, first.words
    say(f"  {words:,} words in {before:.1f} s = {words / before:,.0f} words/s; "
        f"{first.threads} thread(s) in the process")  # fmt: skip
    yardstick = Yardstick(load_model(model), texts)

    say("2/6 corpus run, 1 copy, one process")
    single = yardstick.around(
        lambda: corpus_run("1 process", one, root / "data1", home, workers=1, say=say)
    )
    say("2/6 bare spaCy again, one fresh process, right after the 1-process run")
    after = bare_spacy(texts, model, say=say).seconds
    bare = BareFigures(before, after, words, clean_seconds)
    say(f"  {after:.1f} s; bare spaCy: {bare.rate:,.0f} words/s, the mean of the two")
    say(_done(single, bare.rate))
    say(f"3/6 corpus run, 1 copy, {workers} worker processes")
    pooled = parallel_yardstick.around(
        lambda: yardstick.around(
            lambda: corpus_run(
                f"{workers} workers", one, root / "data2", home, workers=workers, say=say
            )
        )
    )
    say(_done(pooled, bare.rate))
    lone = _single_threaded_passes(texts, model, workers, say)

    n_many = replicate(corpus, many, copies, limit)
    say(f"4/6 corpus run, {copies} copies ({n_many} files), {workers} worker processes")
    big = parallel_yardstick.around(
        lambda: yardstick.around(
            lambda: corpus_run(
                f"{copies} copies", many, root / "data4", home, workers=workers, say=say
            )
        )
    )

    say(_done(big, bare.rate))
    say(f"5/6 one file added to the large corpus, whole command timed ({INCREMENT_RUNS} times)")
    increments = added_file_runs(one, many, root / "data4", home, yardstick, say)
    increment = sorted(increments, key=lambda run: run.seconds)[len(increments) // 2]

    say("6/6 aggregates, query, maintenance, replace and delete one document")
    lake = lake_figures(root / "data4")
    figures = {
        "bare": bare,
        "bare_parallel": parallel,
        "bare_threads": first.threads,
        "single_threaded": lone,  # (one process, N at once), as the workers are started
        "runs": [single, pooled, big, increment],  # increment: the median of the +1 runs
        "increments": increments,
        "lake": lake,
        "files": (n_one, n_many),
    }
    for line in report_lines(figures, workers=workers, copies=copies):
        say(line)
    return figures


def _single_threaded_passes(
    texts: list[str], model: str, workers: int, say: Callable[[str], None]
) -> tuple[BarePass, BarePass]:
    """Bare spaCy in processes started as the pipeline starts its workers, N at once and then
    one: the workers' own yardstick (see `pipeline.run.executors.single_threaded_children`)."""
    say(f"3/6 bare spaCy in single-threaded processes, as the workers run: {workers} at once, "
        "then one")  # fmt: skip
    many = bare_spacy(texts, model, processes=workers, single_threaded=True)
    say(f"  {workers} at once: {many.seconds:.1f} s")
    one = bare_spacy(texts, model, single_threaded=True, say=say)
    say(f"  one: {one.seconds:.1f} s = {one.words / one.seconds:,.0f} words/s; "
        f"{one.threads} thread(s) in the process")  # fmt: skip
    return one, many


def added_file_runs(
    one: Path, many: Path, data: Path, home: Path, yardstick: Yardstick, say: Callable[[str], None]
) -> list[RunFigures]:
    """INCREMENT_RUNS times: one more file in the large corpus, then `corpus run` (one
    process), timed whole. Each `speed` is the yardstick's mean before and after them all."""
    sources = sorted(one.rglob("*.txt"))
    (many / "added").mkdir()
    before = yardstick.speed()
    runs = []
    for i in range(INCREMENT_RUNS):
        shutil.copyfile(sources[i % len(sources)], many / "added" / f"one_more_{i}.txt")
        runs.append(corpus_run(f"+1 file ({i + 1})", many, data, home, workers=1, say=say))
        say(f"  +1 file ({i + 1}): {runs[-1].seconds:.1f} s")
    speed = (before + yardstick.speed()) / 2
    for run in runs:
        run.speed = speed
    return runs


def _done(run: RunFigures, bare_rate: float) -> str:
    """A run's figures as soon as it is over, so a later failure loses none of them."""
    ratio = run.words_per_second / bare_rate
    return (
        f"  {run.label}: {run.words_per_second:,.0f} words/s = {ratio:.2f} x bare "
        f"({ratio / run.speed:.2f} at speed {run.speed:.2f}) in {run.seconds:.1f} s; peak PSS "
        f"{run.peak_mb:.0f} MB (parent {run.peak_parent_mb:.0f}, largest worker "
        f"{run.peak_worker_mb:.0f}); spaCy {run.stages.get('nlp', 0.0) / run.seconds:.2f} "
        "of the wall time"
    )


def report_lines(figures: dict, *, workers: int, copies: int) -> list[str]:
    bare: BareFigures = figures["bare"]
    bare_rate = bare.rate
    single, pooled, big, increment = figures["runs"]
    lake = figures["lake"]
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
    lines.extend(_single_threaded_lines(figures, workers))
    lines.extend(verdict_lines(judge(goal_figures(figures, workers=workers, copies=copies))))
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

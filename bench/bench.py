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

import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bench.bare import BarePass, bare_spacy
from bench.figures import _done, report_lines
from bench.runs import RunFigures, corpus_run
from bench.yardsticks import BareFigures, ParallelYardstick, Yardstick
from pipeline.lake import Lake
from pipeline.lake.aggregates import rebuild
from pipeline.lake.documents import delete_documents, document_rows, write_batch
from pipeline.lake.maintenance import count_data_files, maintain
from pipeline.settings import DEFAULT_MAX_BYTES
from pipeline.stages.annotate import load_model
from pipeline.stages.document import WorkItem, prepare
from pipeline.stages.ingest import scan

EXACT_SEED = 20261206  # which files the exact copies repeat: the same on every run
INCREMENT_RUNS = 3  # a +1 run lasts seconds and the machine's pace drifts: report the median
TOP_ENTITIES = "top_entities"  # sql/top_entities.sql, the query `corpus run` prints


def replicate(
    corpus: Path,
    target: Path,
    copies: int,
    limit: int | None = None,
    *,
    exact_share: float = 0,
    turn: bool = True,
) -> int:
    """K copies of every text file under new names (copy_N/...), so each is a new document:
    copy 0 as it is, copy k with its paragraphs turned k places (another text, as costly to
    parse, so copies are not exact copies the run annotates once); then `exact_share` of
    that many files again as exact copies of randomly chosen ones (exact/, seeded). Without
    `turn` every copy is an exact copy."""
    sources = [p for p in sorted(corpus.rglob("*.txt")) if p.name.upper() != "README.TXT"]
    sources = sources[:limit]
    count = 0
    for copy in range(copies):
        for source in sources:
            destination = target / f"copy_{copy}" / source.relative_to(corpus)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(turned(source.read_bytes(), copy if turn else 0))
            count += 1
    n_exact, rng = round(exact_share * count), random.Random(EXACT_SEED)
    chosen = (
        rng.sample(sources, n_exact) if n_exact <= len(sources) else rng.choices(sources, k=n_exact)
    )
    for i, source in enumerate(chosen):
        destination = target / "exact" / f"{i:05d}_{source.name}"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return count + len(chosen)


def turned(raw: bytes, k: int) -> bytes:
    """An article (title, blank line, paragraphs) with its paragraphs turned k places."""
    title, _, body = raw.partition(b"\n\n")
    paragraphs = [p for p in body.split(b"\n\n") if p.strip()]
    if k == 0 or len(paragraphs) < 2:
        return raw
    k %= len(paragraphs)
    return b"\n\n".join([title, *paragraphs[k:], *paragraphs[:k]]) + b"\n"


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
            rebuild(writer)
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
            rows = document_rows(writer, doc_id)
            write_batch(writer, f"bench-replace-{time.time_ns()}", rows, keep_aggregates=True)
        figures["replace_one_seconds"] = t[0]
        with timed() as t:
            delete_documents(writer, [doc_id], keep_aggregates=True)
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
    exact_share: float = 0.0,
    out: TextIO = sys.stdout,
) -> dict[str, object]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)

    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as tmp:
        root = Path(tmp)
        shape = _Shape(copies, exact_share, limit)
        return _bench(corpus, root, shape, workers=workers, model=model, say=say)


@dataclass(frozen=True, slots=True)
class _Shape:
    """The large corpus: K copies of each file (turned, see `replicate`), plus a share of
    exact copies; `limit` files per copy for quick runs."""

    copies: int
    exact_share: float
    limit: int | None


def _bench(
    corpus: Path,
    root: Path,
    shape: _Shape,
    *,
    workers: int,
    model: str,
    say: Callable[[str], None],
) -> dict[str, object]:
    copies, limit = shape.copies, shape.limit
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    phases = _Phases(root, home, model=model, workers=workers, say=say)
    n_one = replicate(corpus, phases.one, 1, limit)
    say(f"corpus: {corpus} ({n_one} files); replicas: {copies} copies, "
        f"{shape.exact_share:.0%} more exact copies")  # fmt: skip
    figures = phases.bare_before()
    single, bare = phases.one_process(figures)
    pooled = phases.pooled(bare)
    figures["single_threaded"] = _single_threaded_passes(phases.texts, model, workers, say)
    n_many = replicate(corpus, phases.many, copies, limit, exact_share=shape.exact_share)
    big = phases.copies(copies, n_many, bare)
    say(f"5/6 one file added to the large corpus, whole command timed ({INCREMENT_RUNS} times)")
    increments = added_file_runs(
        phases.one, phases.many, root / "data4", home, phases.yardstick, say
    )
    increment = sorted(increments, key=lambda run: run.seconds)[len(increments) // 2]
    say("6/6 aggregates, query, maintenance, replace and delete one document")
    figures |= {
        "bare": bare,
        "runs": [single, pooled, big, increment],  # increment: the median of the +1 runs
        "increments": increments,
        "lake": lake_figures(root / "data4"),
        "files": (n_one, n_many),
    }
    for line in report_lines(figures, workers=workers, copies=copies):
        say(line)
    return figures


class _Phases:
    """The timed phases of one benchmark, sharing its texts, yardsticks and folders."""

    def __init__(
        self, root: Path, home: Path, *, model: str, workers: int, say: Callable[[str], None]
    ) -> None:
        self.root, self.home, self.model, self.workers, self.say = root, home, model, workers, say
        self.one, self.many = root / "one", root / "many"
        self.texts: list[str] = []
        self.clean_seconds = 0.0
        self.before = 0.0
        self.words = 0

    def bare_before(self) -> dict[str, object]:
        """Phase 1: the texts cleaned, then bare spaCy N at once and on one core."""
        say, model, workers = self.say, self.model, self.workers
        say("1/6 reading and cleaning the texts as the pipeline does")
        self.texts, self.clean_seconds = cleaned_texts(self.one)
        say(f"1/6 bare spaCy, {workers} fresh processes at once over shares of the cleaned texts")
        parallel = bare_spacy(self.texts, model, processes=workers)
        say(f"  {parallel.words:,} words in {parallel.seconds:.1f} s")
        self.parallel_yardstick = ParallelYardstick(model, self.texts, workers)
        say("1/6 bare spaCy, one fresh process, no storage, before the 1-process run (and after)")
        first = bare_spacy(self.texts, model, say=say)
        self.before, self.words = first.seconds, first.words
        say(f"  {self.words:,} words in {self.before:.1f} s = {self.words / self.before:,.0f} "
            f"words/s; {first.threads} thread(s) in the process")  # fmt: skip
        self.yardstick = Yardstick(load_model(model), self.texts)
        return {"bare_parallel": parallel, "bare_threads": first.threads}

    def one_process(self, figures: dict[str, object]) -> tuple[RunFigures, BareFigures]:
        """Phase 2: one process, then bare spaCy again right after it."""
        self.say("2/6 corpus run, 1 copy, one process")
        single = self.yardstick.around(lambda: self._run("1 process", self.one, "data1", 1))
        self.say("2/6 bare spaCy again, one fresh process, right after the 1-process run")
        after = bare_spacy(self.texts, self.model, say=self.say).seconds
        bare = BareFigures(self.before, after, self.words, self.clean_seconds)
        self.say(f"  {after:.1f} s; bare spaCy: {bare.rate:,.0f} words/s, the mean of the two")
        self.say(_done(single, bare.rate))
        return single, bare

    def pooled(self, bare: BareFigures) -> RunFigures:
        """Phase 3: N worker processes over one copy."""
        self.say(f"3/6 corpus run, 1 copy, {self.workers} worker processes")
        run = self._both_yardsticks(f"{self.workers} workers", self.one, "data2")
        self.say(_done(run, bare.rate))
        return run

    def copies(self, copies: int, n_files: int, bare: BareFigures) -> RunFigures:
        """Phase 4: N worker processes over K copies of the corpus."""
        self.say(f"4/6 corpus run, {copies} copies ({n_files} files), {self.workers} worker "
                 "processes")  # fmt: skip
        run = self._both_yardsticks(f"{copies} copies", self.many, "data4")
        self.say(_done(run, bare.rate))
        return run

    def _both_yardsticks(self, label: str, seeds: Path, data: str) -> RunFigures:
        run = lambda: self._run(label, seeds, data, self.workers)  # noqa: E731
        return self.parallel_yardstick.around(lambda: self.yardstick.around(run))

    def _run(self, label: str, seeds: Path, data: str, workers: int) -> RunFigures:
        return corpus_run(label, seeds, self.root / data, self.home, workers=workers, say=self.say)


def _single_threaded_passes(
    texts: list[str], model: str, workers: int, say: Callable[[str], None]
) -> tuple[BarePass, BarePass]:
    """Bare spaCy in processes started as the pipeline starts its workers, N at once and then
    one: the workers' own yardstick (see `pipeline.run.supervised.single_threaded_children`)."""
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
        # a new text (not a copy of one the lake holds, which would be annotated for free)
        text = sources[i % len(sources)].read_bytes() + f"\nAdded in run {i}.\n".encode()
        (many / "added" / f"one_more_{i}.txt").write_bytes(text)
        runs.append(corpus_run(f"+1 file ({i + 1})", many, data, home, workers=1, say=say))
        say(f"  +1 file ({i + 1}): {runs[-1].seconds:.1f} s")
    speed = (before + yardstick.speed()) / 2
    for run in runs:
        run.speed = speed
    return runs

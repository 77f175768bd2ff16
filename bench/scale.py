"""`corpus bench --scale N [N ...]`: what a run costs as an archive grows.

At each size a synthetic corpus of N articles is made from the sentences of the BBC corpus
(read in place from ../shared, never copied into the project; seeded, so the same N gives the
same files), run once whole, then: one file added, one file deleted, nothing changed, the
first search after a change, a keyword in context and the report, each timed as a user runs
the command (a subprocess: its interpreter's start-up included), the runs with their process
tree's peak memory. Runs use the tokenizer-only model `blank:en` so that the pipeline's own
costs show rather than spaCy's. The figures of every size are printed side by side with the
ratio of the largest to the smallest.
"""

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bench.runs import RunFigures, corpus_run

SEED = 1
FILES_PER_FOLDER = 1_000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
SEARCH_QUERY = "election campaign"
KWIC_WORD = "election"
REPEATS = 3  # the quick commands and the +1 run: the median of three, the machine drifts
MODEL = "blank:en"


@dataclass(frozen=True, slots=True)
class ScaleFigures:
    """One size's figures: seconds, and the +1 run's peak memory (PSS of its process tree)."""

    documents: int
    first_run: float
    plus_one: float
    minus_one: float
    nothing_changed: float
    first_search: float
    kwic: float
    report: float
    peak_mb: float


def sentences(bbc: Path) -> list[str]:
    """Every sentence of the BBC articles (their first line, the headline, left out)."""
    found: list[str] = []
    for path in sorted(bbc.rglob("*.txt")):
        if path.name.upper() == "README.TXT":
            continue
        lines = path.read_text(encoding="latin-1").splitlines()[1:]
        for paragraph in filter(None, (line.strip() for line in lines)):
            found += [s for s in SENTENCE_END.split(paragraph) if len(s.split()) >= 4]
    return found


def article(rng: random.Random, pool: list[str]) -> str:
    """A headline and 4-8 paragraphs of 2-4 sentences drawn from the pool."""
    title = " ".join(rng.choice(pool).split()[:8]).rstrip(".,;:")
    paragraphs = [
        " ".join(rng.choice(pool) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(4, 8))
    ]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def make_corpus(pool: list[str], target: Path, n: int, *, seed: int = SEED) -> None:
    """N articles under `target`, a thousand to a folder."""
    rng = random.Random(seed)
    for i in range(n):
        folder = target / f"{i // FILES_PER_FOLDER:04d}"
        if i % FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article_{i:06d}.txt").write_text(article(rng, pool))


def scale_bench(bbc: Path, sizes: list[int], *, out: TextIO = sys.stdout) -> list[ScaleFigures]:
    """Every size in turn, then the figures side by side."""

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    pool = sentences(bbc)
    say(f"{len(pool):,} sentences from {bbc}; model {MODEL}; sizes {sizes}")
    figures = [_one_size(pool, n, say) for n in sizes]
    for line in table_lines(figures):
        say(line)
    return figures


def _one_size(pool: list[str], n: int, say: Callable[[str], None]) -> ScaleFigures:
    with tempfile.TemporaryDirectory(prefix=f"corpus-scale-{n}-") as tmp:
        root = Path(tmp)
        seeds, data, home = root / "seeds", root / "data", root / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        clock = time.perf_counter()
        make_corpus(pool, seeds, n)
        say(f"{n:,} documents: corpus written in {time.perf_counter() - clock:.1f} s")
        os.environ["CORPUS_MODEL"] = MODEL
        run = _runner(seeds, data, home, say)
        first = run(f"{n:,}: first run")
        rng = random.Random(SEED + n)
        added = [run(f"{n:,}: +1 file", add=(pool, rng, i)) for i in range(REPEATS)]
        search = _median(lambda: _command(["search", SEARCH_QUERY], data, home))
        removed = run(f"{n:,}: -1 file", remove=True)
        nothing = [run(f"{n:,}: nothing changed") for _ in range(REPEATS)]
        kwic = _median(lambda: _command(["kwic", KWIC_WORD], data, home))
        report = _median(lambda: _command(["report"], data, home))
    plus = _median_run(added)
    return ScaleFigures(
        documents=n,
        first_run=first.seconds,
        plus_one=plus.seconds,
        minus_one=removed.seconds,
        nothing_changed=_median_run(nothing).seconds,
        first_search=search,
        kwic=kwic,
        report=report,
        peak_mb=plus.peak_mb,
    )


def _runner(
    seeds: Path, data: Path, home: Path, say: Callable[[str], None]
) -> Callable[..., RunFigures]:
    """`corpus run` on this corpus, after adding one article or removing the last one."""

    def run(label: str, *, add: tuple | None = None, remove: bool = False) -> RunFigures:
        if add is not None:
            pool, rng, i = add
            (seeds / "added").mkdir(exist_ok=True)
            (seeds / "added" / f"new_{i}.txt").write_text(article(rng, pool))
        if remove:
            victim = max((seeds / "added").glob("*.txt"))
            victim.unlink()
        figures = corpus_run(label, seeds, data, home, workers=None, say=say)
        say(f"  {label}: {figures.seconds:.1f} s, peak {figures.peak_mb:.0f} MB")
        return figures

    return run


def _command(args: list[str], data: Path, home: Path) -> float:
    """A `corpus` command's wall time as a user meets it (a fresh interpreter)."""
    env = os.environ | {"DAGSTER_HOME": str(home)}
    command = [sys.executable, "-m", "pipeline.cli", *args, "--data", str(data)]
    clock = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - clock
    if done.returncode != 0:
        raise RuntimeError(f"corpus {' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return seconds


def _median(measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(REPEATS))


def _median_run(runs: list[RunFigures]) -> RunFigures:
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


ROWS = (
    ("first run (s)", "first_run", "{:.1f}"),
    ("+1 file (s)", "plus_one", "{:.2f}"),
    ("-1 file (s)", "minus_one", "{:.2f}"),
    ("nothing changed (s)", "nothing_changed", "{:.2f}"),
    ("first search after a change (s)", "first_search", "{:.2f}"),
    ("kwic (s)", "kwic", "{:.2f}"),
    ("report (s)", "report", "{:.2f}"),
    ("peak memory of +1 (MB)", "peak_mb", "{:.0f}"),
)


def table_lines(figures: list[ScaleFigures]) -> list[str]:
    """The sizes side by side, and the ratio of the largest size's figure to the smallest's."""
    head = f"{'':34}" + "".join(f"{f.documents:>12,}" for f in figures) + f"{'ratio':>9}"
    lines = ["", f"== scale ({MODEL}; commands timed whole, medians of {REPEATS}) ==", head]
    for label, name, form in ROWS:
        values = [getattr(f, name) for f in figures]
        ratio = values[-1] / values[0] if values[0] else float("nan")
        cells = "".join(f"{form.format(v):>12}" for v in values)
        lines.append(f"{label:34}{cells}{ratio:>9.2f}")
    return lines

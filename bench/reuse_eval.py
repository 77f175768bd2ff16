"""`corpus eval-reuse`: text reuse scored on a labelled set, through `corpus run` as a user
runs it (in this process, the real model: lemmas matter here).

A labelled set is a folder of runs, `run*/texts/*.txt` with `run*/labels.json` mapping each
file to {source, kind, group, topic}: `kind` is source, cut, light, heavy or independent, and
`source` names the group's source file (bench.reuse_devset writes such sets). Each run is one
corpus: `corpus run` over its texts into a fresh lake, then the lake's `text_reuse` is scored
as the held-out corpus is: a derived text (cut, light, heavy) is right when it is paired with
its source, an independent text when it is not. Also counted: pairs across groups (topics)
and independent texts paired with anything of their group but texts built from the same
article (false pairs).

The thresholds of pipeline.stages.reuse.pairs are then cross-validated over the runs: the
candidate pairs' evidence is read back from each run's lake, thresholds are chosen on all runs
but one from a grid around them and scored on that one.
"""

import itertools
import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from pipeline.cli.run import execute
from pipeline.definitions import workers_for
from pipeline.lake import Lake
from pipeline.lake.reuse_compare import Compared, compared_chunks
from pipeline.settings import PROJECT_DIR, Settings
from pipeline.stages.reuse.pairs import (
    EXACT,
    NEAR_DUPLICATE,
    THRESHOLDS,
    Thresholds,
    decide_from,
)

KINDS = ("cut", "light", "heavy", "independent")
DERIVED = ("cut", "light", "heavy")
# The grid thresholds are chosen from, around the product's own.
GRID = {
    "sentence": (0.45, 0.5, 0.55, 0.6),
    "cover": (0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "passage_words": (15, 20, 25, 30, 40),
    "share": (0.7, 0.8, 0.9, 1.01),
}
ARTICLE = re.compile(r"[a-z]+/\d+\.txt")


@dataclass
class Score:
    """One scored run (or several merged)."""

    per_kind: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in KINDS})
    cross_topic: list[tuple[str, str]] = field(default_factory=list)
    false_pairs: list[tuple[str, str]] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)

    @property
    def correct(self) -> int:
        return sum(right for right, _ in self.per_kind.values())

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_kind.values())

    @property
    def accuracy(self) -> float:
        return self.correct / max(self.total, 1)

    def __add__(self, other: "Score") -> "Score":
        per = {k: [a + b for a, b in zip(self.per_kind[k], other.per_kind[k], strict=True)]
               for k in KINDS}  # fmt: skip
        return Score(per, self.cross_topic + other.cross_topic,
                     self.false_pairs + other.false_pairs, self.kinds + other.kinds)  # fmt: skip

    def line(self) -> str:
        kinds = ", ".join(f"{k} {right}/{n}" for k, (right, n) in self.per_kind.items())
        return (f"accuracy {self.accuracy:.3f} ({self.correct}/{self.total}): {kinds}; "
                f"cross-topic pairs {len(self.cross_topic)}; false pairs {len(self.false_pairs)}; "
                f"kinds {dict(sorted(self.kinds.items()))}")  # fmt: skip


def score(reported: dict[tuple[str, str], str], labels: dict[str, dict]) -> Score:
    """Score reported pairs ((doc_a, doc_b) -> kind, doc ids = file names) against labels."""
    paired: dict[str, set[str]] = {}
    for a, b in reported:
        paired.setdefault(a, set()).add(b)
        paired.setdefault(b, set()).add(a)
    result = Score(kinds=Counter(reported.values()))
    for name, label in labels.items():
        if label["kind"] == "source":
            continue
        hit = label["source"] in paired.get(name, set())
        right = hit if label["kind"] in DERIVED else not hit
        result.per_kind[label["kind"]][0] += right
        result.per_kind[label["kind"]][1] += 1
    for a, b in reported:
        la, lb = labels[a], labels[b]
        if la["group"] != lb["group"]:
            result.cross_topic.append((a, b))
        elif "independent" in (la["kind"], lb["kind"]) and not _same_article(la, lb):
            result.false_pairs.append((a, b))
    return result


def _same_article(la: dict, lb: dict) -> bool:
    """Two independent texts built from a common article: reuse, rightly found."""
    both = la["kind"] == lb["kind"] == "independent"
    return both and bool(set(ARTICLE.findall(la["origin"])) & set(ARTICLE.findall(lb["origin"])))


@dataclass(frozen=True)
class Evidence:
    """A candidate pair of one run, reduced to what deciding it reads, for every sentence
    threshold of the grid."""

    docs_a: tuple[str, ...]  # the documents holding each text
    docs_b: tuple[str, ...]
    copy: str | None  # exact or near_duplicate, whatever the thresholds
    cover: dict[float, float]  # coverage of the shorter text by sentence threshold
    word_share: float
    longest_prose: int

    def kind(self, thresholds: Thresholds) -> str | None:
        if self.copy is not None:
            return self.copy
        cover = self.cover[thresholds.sentence]
        return decide_from(cover, self.word_share, self.longest_prose, thresholds)


@dataclass
class RunResult:
    """One run of the set: its labels, the product's pairs, and the candidates' evidence."""

    name: str
    labels: dict[str, dict]
    reported: dict[tuple[str, str], str]
    candidates: list[Evidence]


def evidence(compared: Compared, docs: dict[int, list[str]]) -> Evidence:
    docs_a, docs_b = tuple(docs[compared.a.key]), tuple(docs[compared.b.key])
    if compared.exact or compared.near is not None:
        kind = EXACT if compared.exact else NEAR_DUPLICATE
        return Evidence(docs_a, docs_b, kind, {}, 0.0, 0)
    features = compared.features
    cover = {t: features.coverage(t) for t in {*GRID["sentence"], THRESHOLDS.sentence}}
    return Evidence(docs_a, docs_b, None, cover, features.word_share, features.longest_prose)


def run_product(run: Path, work: Path) -> RunResult:
    """`corpus run` over one run's texts into a fresh lake; its pairs and its candidates."""
    labels = json.loads((run / "labels.json").read_text())
    settings = Settings(seeds_dir=(run / "texts").resolve(), data_dir=work / run.name)
    lake, workers = Lake(settings.data_dir), workers_for(settings)
    with lake.hold(), workers.started():
        result = execute(settings, lake=lake, workers=workers)
        if not result.success:
            raise RuntimeError(f"corpus run failed on {run}")
        with lake.writer() as writer:
            reported = {(a, b): kind for a, b, kind in writer.rows("reuse/document_kinds")}
            docs: dict[int, list[str]] = {}
            for doc_id, key in writer.rows("reuse/document_texts"):
                docs.setdefault(key, []).append(doc_id)
            candidates = [
                evidence(compared, docs)
                for chunk in compared_chunks(writer, sorted(docs))
                for compared in chunk
            ]
    return RunResult(run.name, labels, reported, candidates)


def reported_at(result: RunResult, thresholds: Thresholds) -> dict[tuple[str, str], str]:
    """The document pairs the evidence reports at other thresholds."""
    found = {}
    for candidate in result.candidates:
        kind = candidate.kind(thresholds)
        if kind is not None:
            for a, b in itertools.product(candidate.docs_a, candidate.docs_b):
                found[(min(a, b), max(a, b))] = kind
    return found


def grid_scores(results: list[RunResult]) -> dict[Thresholds, list[Score]]:
    """Every run scored at every point of the grid."""
    table = {}
    for values in itertools.product(*GRID.values()):
        thresholds = replace(THRESHOLDS, **dict(zip(GRID, values, strict=True)))
        table[thresholds] = [score(reported_at(r, thresholds), r.labels) for r in results]
    return table


def choose(table: dict[Thresholds, list[Score]], runs: list[int]) -> Thresholds:
    """The grid's thresholds with the most texts right minus cross-topic pairs over `runs`;
    ties go to the median value of each threshold in turn."""
    best: dict[Thresholds, int] = {}
    for thresholds, scores in table.items():
        total = sum((scores[k] for k in runs), Score())
        best[thresholds] = total.correct - len(total.cross_topic)
    top = max(best.values())
    tied = [t for t, value in best.items() if value == top]
    for name in GRID:
        values = sorted({getattr(t, name) for t in tied})
        middle = values[(len(values) - 1) // 2]
        tied = [t for t in tied if getattr(t, name) == middle]
    return tied[0]


def evaluate(dataset: Path, *, out: TextIO) -> dict[str, object]:
    """Score the product on every run of `dataset`, then cross-validate its thresholds."""
    runs = sorted(p for p in dataset.glob("run*") if (p / "labels.json").is_file())
    if not runs:
        raise ValueError(f"no run*/labels.json under {dataset}")
    results = []
    with tempfile.TemporaryDirectory(prefix="corpus-eval-reuse-") as tmp, _instance(Path(tmp)):
        for run in runs:
            result = run_product(run, Path(tmp))
            results.append(result)
            print(f"{run.name}: {score(result.reported, result.labels).line()}", file=out)
    product = sum((score(r.reported, r.labels) for r in results), Score())
    print(f"product (corpus run): {product.line()}", file=out, flush=True)
    figures: dict[str, object] = {"product": product, "folds": []}
    if len(results) > 1:
        table = grid_scores(results)
        everything = list(range(len(results)))
        chosen = choose(table, everything)
        print(f"thresholds chosen on all runs: {_short(chosen)} (product: {_short(THRESHOLDS)})",
              file=out)  # fmt: skip
        cv = Score()
        for k, held_out in enumerate(results):
            thresholds = choose(table, [i for i in everything if i != k])
            fold = table[thresholds][k]
            cv += fold
            figures["folds"].append((held_out.name, thresholds, fold))
            print(f"  fold {held_out.name}: {_short(thresholds)}: {fold.line()}", file=out)
        print(f"cross-validated: {cv.line()}", file=out, flush=True)
        figures["cv"] = cv
    return figures


def run_eval(*, dataset: Path | None, corpus: Path, runs: int, sources: int, per_kind: int,
             seed: int, keep: Path | None, out: TextIO) -> dict[str, object]:  # fmt: skip
    """`corpus eval-reuse`: build a labelled set from `corpus` (into `keep`, or a temporary
    folder) unless `dataset` names one, then `evaluate` it."""
    if dataset is not None:
        return evaluate(dataset, out=out)
    from bench.reuse_devset import build  # spaCy and the generator: only when building

    with tempfile.TemporaryDirectory(prefix="corpus-reuse-set-") as tmp:
        folder = keep or Path(tmp)
        print(
            f"building {runs} run(s) from {corpus} (seed {seed}) in {folder}", file=out, flush=True
        )
        build(corpus, folder, seed=seed, runs=runs, sources=sources, per_kind=per_kind,
              seeds=PROJECT_DIR / "seeds")  # fmt: skip
        return evaluate(folder, out=out)


def _short(thresholds: Thresholds) -> str:
    return ", ".join(f"{name} {getattr(thresholds, name)}" for name in GRID)


@contextmanager
def _instance(tmp: Path) -> Iterator[None]:
    """A Dagster instance of the evaluation's own, so its runs stay out of the user's."""
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    before = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        yield
    finally:
        if before is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = before

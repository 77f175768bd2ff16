"""The cleaning evaluation: how much of each page's article body the product keeps, and how
much else it lets through.

A dataset is a folder with `html/<id>.html.gz` (the page), `text/<id>.txt` (the page as a
scraper's plain-text dump, menus and footers included) and `ground-truth.json`
(`{id: {"articleBody": ..., "url": ...}}`). A page missing either file, or its ground truth, is
skipped (and counted), for every method alike, so the rows compare the same pages.

Score (as in Zyte's article-extraction-benchmark, so figures compare with published ones): each
text becomes its 4-word shingles (runs of 4 consecutive lower-cased `\\w+` tokens, counted with
multiplicity). Per page, the shingles found in both are true positives, those only in the
method's output false positives, those only in the article body false negatives; the three
counts are divided by their sum, so every page weighs the same whatever its length. They are
averaged over pages (macro-average) and precision = tp / (tp + fp), recall = tp / (tp + fn),
F1 their harmonic mean.

Rows:
- keep_all: the text dump unchanged (the baseline cleaning must beat).
- trafilatura: trafilatura alone on the HTML, default options.
- text run: `corpus run` over the `text/` folder, scored on the `documents.text` it leaves.
- html run: `corpus run` over the `html/` folder (trafilatura, then our cleaning).
The two runs are the product's own code path (bench/cleaning_runs.py), common lines and all.
Beside each plain figure (the default parameters) stands the k-fold cross-validated one: each
fold's parameters chosen among a small grid on the other four fifths of the pages, scored on
the fifth. A rule that only fits the pages it was chosen on shows as a gap between the two.
"""

import dataclasses
import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import trafilatura

from bench.cleaning_runs import FOLDS, SHUFFLES, cross_validate, grid, label, run_folder
from pipeline.stages.cleaning import DEFAULT_PARAMS

SHINGLE_SIZE = 4
LOST_RECALL = 0.5  # a page that keeps under half its body (recall) is listed by name
TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Match:
    """One page's shingle counts, divided by their sum so that every page weighs the same."""

    tp: float
    fp: float
    fn: float

    @property
    def score(self) -> Score:
        return _score(self.tp, self.fp, self.fn)


@dataclass(frozen=True, slots=True)
class Page:
    page_id: str
    html: str
    text: str
    truth: str


@dataclass(frozen=True, slots=True)
class PageScore:
    page_id: str
    method: str
    match: Match
    language: str = "und"  # as the run recorded it (documents.language)


@dataclass(frozen=True, slots=True)
class MethodRow:
    method: str
    precision: float
    recall: float
    f1: float
    mean_page_f1: float  # the plain mean of per-page F1, printed beside it for comparison
    min_page_f1: float
    cv_f1: tuple[float, ...] = ()  # the cross-validated F1, one per shuffle (runs only)
    chosen: tuple[str, ...] = ()  # the settings the folds chose


@dataclass(frozen=True, slots=True)
class EvalReport:
    rows: tuple[MethodRow, ...]
    pages: tuple[PageScore, ...]  # the default setting's, for every method
    n_pages: int
    n_skipped: int
    n_settings: int

    def row(self, method: str) -> MethodRow:
        return next(r for r in self.rows if r.method == method)

    def page(self, method: str, page_id: str) -> PageScore:
        return next(p for p in self.pages if p.method == method and p.page_id == page_id)


# --- scoring --------------------------------------------------------------------------------


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text.casefold())
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def match(predicted: str, truth: str) -> Match:
    pred, true = shingles(predicted), shingles(truth)
    tp, fp, fn = (
        sum((pred & true).values()),
        sum((pred - true).values()),
        sum((true - pred).values()),
    )
    total = tp + fp + fn
    if not total:  # neither text has 4 words: nothing to find, nothing found
        return Match(0.0, 0.0, 0.0)
    return Match(tp / total, fp / total, fn / total)


def score(predicted: str, truth: str) -> Score:
    return match(predicted, truth).score


def macro(matches: Sequence[Match]) -> Score:
    """Precision, recall and F1 of the page-averaged counts."""
    n = len(matches) or 1
    return _score(
        sum(m.tp for m in matches) / n,
        sum(m.fp for m in matches) / n,
        sum(m.fn for m in matches) / n,
    )


def _score(tp: float, fp: float, fn: float) -> Score:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return Score(precision, recall, f1)


# --- reading the dataset --------------------------------------------------------------------


def _read_text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def load_pages(dataset: Path) -> tuple[list[Page], int]:
    """The pages with all three parts, and how many were skipped for a missing part."""
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    skipped = 0
    for page_id in sorted(truth):
        html_path = dataset / "html" / f"{page_id}.html.gz"
        text_path = dataset / "text" / f"{page_id}.txt"
        body = truth[page_id].get("articleBody")
        if not (html_path.is_file() and text_path.is_file() and isinstance(body, str)):
            skipped += 1
            continue
        html = _read_text(gzip.decompress(html_path.read_bytes()))
        pages.append(Page(page_id, html, _read_text(text_path.read_bytes()), body))
    return pages, skipped


# --- the evaluation -------------------------------------------------------------------------

# The product's two paths: the folder a run reads, and each page's file name in it.
RUNS = {"text run": ("text", "{}.txt"), "html run": ("html", "{}.html.gz")}


def _baselines(pages: Sequence[Page]) -> list[tuple[str, list[PageScore]]]:
    keep = [PageScore(p.page_id, "keep_all", match(p.text, p.truth)) for p in pages]
    alone = [
        PageScore(p.page_id, "trafilatura", match(trafilatura.extract(p.html) or "", p.truth))
        for p in pages
    ]
    return [("keep_all", keep), ("trafilatura", alone)]


def _run_scores(
    dataset: Path, method: str, pages: Sequence[Page], settings: Sequence[str]
) -> dict[str, dict[str, PageScore]]:
    """Per setting (by label), each page's score from a run over the method's folder."""
    folder, name = RUNS[method]
    by_setting: dict[str, dict[str, PageScore]] = {}
    for params in grid():
        if label(params) not in settings:
            continue
        left = run_folder(dataset / folder, params)
        by_setting[label(params)] = {
            p.page_id: _page_score(p, method, left.get(name.format(p.page_id))) for p in pages
        }
    return by_setting


def _page_score(page: Page, method: str, cleaned: object) -> PageScore:
    text = getattr(cleaned, "text", "") or ""
    language = getattr(cleaned, "language", "und")
    return PageScore(page.page_id, method, match(text, page.truth), language)


def _row(method: str, scores: Sequence[PageScore]) -> MethodRow:
    total = macro([s.match for s in scores])
    f1s = [s.match.score.f1 for s in scores] or [0.0]
    return MethodRow(method, total.precision, total.recall, total.f1, sum(f1s) / len(f1s), min(f1s))


def _cross_validated(method: str, by_setting: dict[str, dict[str, PageScore]]) -> MethodRow:
    """The default setting's row, with the cross-validated F1 of each shuffle beside it."""
    default = by_setting[label(DEFAULT_PARAMS)]
    row = _row(method, list(default.values()))
    if len(by_setting) < 2:
        return row
    ids = sorted(default)

    def f1(pages: Sequence[str], setting: str) -> float:
        return macro([by_setting[setting][p].match for p in pages]).f1

    cv, chosen = [], []
    for seed in SHUFFLES:
        held, picks = cross_validate(ids, list(by_setting), f1, seed)
        cv.append(macro([by_setting[s][p].match for p, s in held]).f1)
        chosen += picks
    return dataclasses.replace(row, cv_f1=tuple(cv), chosen=tuple(chosen))


def run_eval(dataset: Path, *, out: TextIO, cross_validate: bool = True) -> EvalReport:
    """Score the baselines and the product's two paths on `dataset` (with `cross_validate`,
    over the grid of settings), print the table to `out` and return the figures."""
    pages, skipped = load_pages(dataset)
    settings = [label(p) for p in grid()] if cross_validate else [label(DEFAULT_PARAMS)]
    rows: list[MethodRow] = []
    all_scores: list[PageScore] = []
    for method, scores in _baselines(pages):
        rows.append(_row(method, scores))
        all_scores += scores
    for method in RUNS:
        by_setting = _run_scores(dataset, method, pages, settings)
        rows.append(_cross_validated(method, by_setting))
        all_scores += by_setting[label(DEFAULT_PARAMS)].values()
    report = EvalReport(tuple(rows), tuple(all_scores), len(pages), skipped, len(settings))
    _print(report, dataset, out)
    return report


def _print(report: EvalReport, dataset: Path, out: TextIO) -> None:
    out.write(f"dataset: {dataset} ({report.n_pages} pages, {report.n_skipped} skipped)\n")
    out.write(
        f"{'method':<12}{'precision':>10}{'recall':>10}{'F1':>8}{'mean F1':>9}{'min F1':>8}"
        f"   CV F1 (of {FOLDS} folds x {len(SHUFFLES)} shuffles over {report.n_settings} "
        "settings)\n"
    )
    for r in report.rows:
        cv = ""
        if r.cv_f1:
            cv = f"   {sum(r.cv_f1) / len(r.cv_f1):.4f} ({min(r.cv_f1):.4f}-{max(r.cv_f1):.4f})"
        out.write(
            f"{r.method:<12}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>8.4f}"
            f"{r.mean_page_f1:>9.4f}{r.min_page_f1:>8.4f}{cv}\n"
        )
    out.write("F1: from page-averaged shingle shares; mean F1: the mean of per-page F1s\n")
    for method in RUNS:
        _print_details(report, method, out)
    out.write(
        "runs: `corpus run`'s code path over the folder (Dagster job, lake, common lines), "
        "model blank:en (spaCy never changes the cleaned text)\n"
    )


def _print_details(report: EvalReport, method: str, out: TextIO) -> None:
    scores = [p for p in report.pages if p.method == method]
    languages = Counter(p.language for p in scores)
    parts = []
    for language, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])):
        f1 = macro([p.match for p in scores if p.language == language]).f1
        parts.append(f"{language} {n} {f1:.3f}")
    others = [p.match for p in scores if p.language != "en"]
    if others:
        parts.append(f"not en {len(others)} {macro(others).f1:.3f}")
    out.write(f"{method} by language (pages, F1): {', '.join(parts)}\n")
    lost = [p for p in scores if p.match.score.recall < LOST_RECALL]
    names = ", ".join(
        f"{p.page_id[:10]} ({p.language}, recall {p.match.score.recall:.2f})" for p in lost
    )
    out.write(f"{method} pages keeping under half their body: {names or 'none'}\n")
    row = report.row(method)
    if row.chosen:
        picks = Counter(row.chosen).most_common()
        out.write(f"{method} folds chose: {'; '.join(f'{s} x{n}' for s, n in picks)}\n")

"""The cleaning evaluation: how much of each page's article body a method keeps, and how much
else it lets through.

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

Methods, side by side in one run:
- keep_all: the text dump unchanged (the baseline cleaning must beat).
- clean_text: `clean_text` on the text dump.
- trafilatura: trafilatura alone on the HTML, default options.
- html+clean: `extract_html` then `clean_text` (the pipeline's HTML path).

clean_text gets `common_lines` (corpus-level boilerplate): the `line_key`s found in at least
COMMON_LINE_MIN_DOCS of the dataset's text dumps. Three, because two documents may share body
lines for honest reasons (the same story republished, two rewrites of the same wire copy), while
a line in three or more pages is a site's menu or footer. html+clean runs as the pipeline's HTML
path does, without them: trafilatura has already dropped the menus they would catch.
"""

import gzip
import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import trafilatura

from pipeline.stages.cleaning import clean_text, line_key
from pipeline.stages.extract import extract_html

SHINGLE_SIZE = 4
COMMON_LINE_MIN_DOCS = 3
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
    seconds: float


@dataclass(frozen=True, slots=True)
class MethodRow:
    method: str
    precision: float
    recall: float
    f1: float
    mean_page_f1: float  # the plain mean of per-page F1, printed beside it for comparison
    ms_per_page: float


@dataclass(frozen=True, slots=True)
class EvalReport:
    rows: tuple[MethodRow, ...]
    pages: tuple[PageScore, ...]
    n_pages: int
    n_skipped: int

    def row(self, method: str) -> MethodRow:
        return next(r for r in self.rows if r.method == method)


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


def common_lines(texts: Iterable[str], min_docs: int = COMMON_LINE_MIN_DOCS) -> frozenset[str]:
    """`line_key`s occurring in at least `min_docs` of `texts` (once per document)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({line_key(line) for line in text.split("\n")} - {""})
    return frozenset(key for key, n in counts.items() if n >= min_docs)


# --- the methods ----------------------------------------------------------------------------

Method = Callable[[Page], str]


def _trafilatura_default(page: Page) -> str:
    return trafilatura.extract(page.html) or ""


def _methods(pages: Sequence[Page]) -> dict[str, Method]:
    text_common = common_lines(p.text for p in pages)
    return {
        "keep_all": lambda p: p.text,
        "clean_text": lambda p: clean_text(p.text, common_lines=text_common).text,
        "trafilatura": _trafilatura_default,
        "html+clean": lambda p: clean_text(extract_html(p.html).text).text,
    }


def _run(method: str, fn: Method, pages: Sequence[Page]) -> list[PageScore]:
    results = []
    for page in pages:
        start = time.perf_counter()
        predicted = fn(page)
        elapsed = time.perf_counter() - start
        results.append(PageScore(page.page_id, method, match(predicted, page.truth), elapsed))
    return results


def run_eval(dataset: Path, *, out: TextIO) -> EvalReport:
    """Score every method on `dataset`, print the table to `out` and return the figures."""
    pages, skipped = load_pages(dataset)
    rows: list[MethodRow] = []
    all_scores: list[PageScore] = []
    for method, fn in _methods(pages).items():
        scores = _run(method, fn, pages)
        total = macro([s.match for s in scores])
        ms = 1000 * sum(s.seconds for s in scores) / max(len(scores), 1)
        mean_f1 = sum(s.match.score.f1 for s in scores) / max(len(scores), 1)
        rows.append(MethodRow(method, total.precision, total.recall, total.f1, mean_f1, ms))
        all_scores.extend(scores)
    report = EvalReport(tuple(rows), tuple(all_scores), len(pages), skipped)
    _print(report, dataset, out)
    return report


def _print(report: EvalReport, dataset: Path, out: TextIO) -> None:
    out.write(f"dataset: {dataset} ({report.n_pages} pages, {report.n_skipped} skipped)\n")
    out.write(
        f"{'method':<14}{'precision':>10}{'recall':>10}{'F1':>10}{'mean F1':>10}{'ms/page':>10}\n"
    )
    for r in report.rows:
        out.write(
            f"{r.method:<14}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>10.4f}"
            f"{r.mean_page_f1:>10.4f}{r.ms_per_page:>10.1f}\n"
        )
    out.write("F1: from page-averaged shingle shares; mean F1: the mean of per-page F1s\n")

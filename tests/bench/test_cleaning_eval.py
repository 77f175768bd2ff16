import io
import shutil
from pathlib import Path

import pytest

from bench.cleaning_eval import (
    Match,
    common_lines,
    macro,
    match,
    run_eval,
    score,
    shingles,
)

SLICE = Path(__file__).resolve().parents[1] / "data" / "eval-slice"

TRUTH = "The council approved the new budget on Tuesday after a long debate."


def test_shingles_are_lowercased_four_word_runs_with_counts() -> None:
    assert shingles("A b, C d E") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("x y z x y z x") == {
        ("x", "y", "z", "x"): 2,
        ("y", "z", "x", "y"): 1,
        ("z", "x", "y", "z"): 1,
    }
    assert shingles("too short") == {}


def test_identical_text_scores_one() -> None:
    assert score(TRUTH, TRUTH.upper()) == score(TRUTH, TRUTH)
    s = score(TRUTH, TRUTH)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_disjoint_or_empty_text_scores_zero() -> None:
    assert score("Nothing here matches the article at all.", TRUTH).f1 == 0.0
    empty = score("", TRUTH)
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)


def test_extra_text_costs_precision_and_missing_text_costs_recall() -> None:
    # TRUTH has 12 words, 9 shingles; the prediction adds 4 words (4 new shingles)
    extra = score(TRUTH + " Share this on Facebook", TRUTH)
    assert extra.recall == 1.0
    assert extra.precision == pytest.approx(9 / 13)
    # half the article: "The council approved the new budget" has 3 of its 9 shingles
    half = score("The council approved the new budget", TRUTH)
    assert half.precision == 1.0
    assert half.recall == pytest.approx(3 / 9)


def test_match_normalises_counts_so_pages_weigh_the_same() -> None:
    m = match(TRUTH + " Share this on Facebook", TRUTH)
    assert m.tp + m.fp + m.fn == pytest.approx(1.0)
    short_perfect = Match(1.0, 0.0, 0.0)
    long_half = Match(0.5, 0.0, 0.5)
    total = macro([short_perfect, long_half])
    assert total.precision == 1.0
    assert total.recall == pytest.approx(0.75)
    assert total.f1 == pytest.approx(2 * 0.75 / 1.75)


def test_common_lines_count_documents_not_occurrences() -> None:
    docs = ["Home\nHome\nstory one", "Home\nstory two", "HOME!\nstory three", "Sport\nSport"]
    assert common_lines(docs) == frozenset({"home"})
    assert common_lines(docs, min_docs=5) == frozenset()


def test_run_eval_on_the_slice_beats_the_baselines() -> None:
    out = io.StringIO()
    report = run_eval(SLICE, out=out)
    assert report.n_pages == 4
    assert report.n_skipped == 0
    keep, clean, trafilatura, html = (
        report.row(m) for m in ("keep_all", "clean_text", "trafilatura", "html+clean")
    )
    assert keep.f1 < 0.7  # the dumps are mostly menus and footers
    assert clean.f1 >= 0.9
    assert html.f1 >= 0.95
    assert html.f1 > trafilatura.f1
    table = out.getvalue()
    for method in ("keep_all", "clean_text", "trafilatura", "html+clean"):
        assert method in table
    assert len(report.pages) == 4 * 4


def test_run_eval_skips_a_page_with_a_missing_file(tmp_path: Path) -> None:
    dataset = tmp_path / "slice"
    shutil.copytree(SLICE, dataset)
    first, second = sorted((dataset / "text").glob("*.txt"))[:2]
    first.unlink()
    (dataset / "html" / f"{second.stem}.html.gz").unlink()
    report = run_eval(dataset, out=io.StringIO())
    assert report.n_pages == 2
    assert report.n_skipped == 2
    assert {p.page_id for p in report.pages}.isdisjoint({first.stem, second.stem})

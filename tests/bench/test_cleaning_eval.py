import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cleaning_eval import Match, macro, match, run_eval, score, shingles
from bench.cleaning_runs import cross_validate, folds, grid, label
from pipeline.lake import Lake
from pipeline.stages.cleaning import DEFAULT_PARAMS

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


def test_the_grid_moves_one_parameter_at_a_time_from_the_defaults() -> None:
    settings = grid()
    assert settings[0] == DEFAULT_PARAMS and label(settings[0]) == "defaults"
    assert len({label(p) for p in settings}) == len(settings)
    for params in settings[1:]:
        changed = params.to_json().strip("{}").split(", ")
        names = {part.split(":")[0].strip('"') for part in changed}
        assert names in ({"stopwords_low", "stopwords_high"},) or len(names) == 1


def test_cross_validation_scores_each_fold_with_what_the_others_chose() -> None:
    ids = [f"p{i}" for i in range(10)]
    assert sorted(i for fold in folds(ids, seed=0) for i in fold) == sorted(ids)
    assert folds(ids, seed=0) == folds(ids, seed=0) != folds(ids, seed=1)
    # "fits" is best on every page but one; that page, held out, still gets "fits"
    good = {i: (1.0 if i != "p3" else 0.0) for i in ids}

    def f1(pages: list[str], setting: str) -> float:
        if setting == "fits":
            return sum(good[p] for p in pages) / len(pages)
        return 0.5

    held, chosen = cross_validate(ids, ["plain", "fits"], f1, seed=0)
    assert sorted(p for p, _ in held) == sorted(ids)
    assert chosen == ["fits"] * 5


def test_run_eval_on_the_slice_beats_the_baselines() -> None:
    out = io.StringIO()
    report = run_eval(SLICE, out=out, cross_validate=False)
    assert report.n_pages == 4
    assert report.n_skipped == 0
    keep, trafilatura, text, html = (
        report.row(m) for m in ("keep_all", "trafilatura", "text run", "html run")
    )
    assert keep.f1 < 0.7  # the dumps are mostly menus and footers
    assert text.f1 >= 0.9
    assert html.f1 >= 0.95
    assert html.f1 > trafilatura.f1
    table = out.getvalue()
    for method in ("keep_all", "trafilatura", "text run", "html run"):
        assert method in table
    assert "pages keeping under half their body: none" in table
    assert len(report.pages) == 4 * 4
    assert {p.language for p in report.pages if p.method == "text run"} == {"en"}


def test_the_eval_scores_what_corpus_run_leaves_in_documents_text(tmp_path: Path) -> None:
    """One page, both ways: the eval's figure and `corpus run` on the same folder."""
    report = run_eval(SLICE, out=io.StringIO(), cross_validate=False)
    data = tmp_path / "data"
    command = [sys.executable, "-m", "pipeline.cli", "run", "--seeds", str(SLICE / "text")]
    subprocess.run([*command, "--data", str(data)], env=os.environ, check=True, capture_output=True)
    page_id = sorted(p.page_id for p in report.pages)[0]
    with Lake(data).reader() as reader:
        texts = {doc_id: text for doc_id, _, text in reader.rows("eval/cleaned_texts")}
    truth = json.loads((SLICE / "ground-truth.json").read_text())
    by_run = match(texts[f"{page_id}.txt"], truth[page_id]["articleBody"])
    assert report.page("text run", page_id).match == by_run
    assert by_run.tp > 0.5


def test_run_eval_cross_validates_over_the_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two settings that differ, each fold's choice is scored on pages it never saw."""
    import bench.cleaning_eval as cleaning_eval

    two = [DEFAULT_PARAMS, grid()[-1]]  # the defaults and context off
    monkeypatch.setattr(cleaning_eval, "grid", lambda: two)
    out = io.StringIO()
    report = run_eval(SLICE, out=out, cross_validate=True)
    text = report.row("text run")
    assert len(text.cv_f1) == 3 and all(0.0 < f <= 1.0 for f in text.cv_f1)
    assert set(text.chosen) <= {label(p) for p in two}
    assert "CV F1" in out.getvalue() and "folds chose" in out.getvalue()


def test_run_eval_skips_a_page_with_a_missing_file(tmp_path: Path) -> None:
    dataset = tmp_path / "slice"
    shutil.copytree(SLICE, dataset)
    first, second = sorted((dataset / "text").glob("*.txt"))[:2]
    first.unlink()
    (dataset / "html" / f"{second.stem}.html.gz").unlink()
    report = run_eval(dataset, out=io.StringIO(), cross_validate=False)
    assert report.n_pages == 2
    assert report.n_skipped == 2
    assert {p.page_id for p in report.pages}.isdisjoint({first.stem, second.stem})

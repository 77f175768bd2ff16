"""`corpus eval-reuse`: the scoring rules, and the command end to end on a tiny built set."""

import io
import json
from contextlib import redirect_stdout

import pytest

from bench.reuse_eval import score
from pipeline.cli import main
from pipeline.settings import SHARED_DIR

BBC = SHARED_DIR / "corpora" / "bbc-news"
LABELS = {
    "src.txt": {"kind": "source", "source": "src.txt", "group": "g0", "origin": "x/1.txt"},
    "cut.txt": {"kind": "cut", "source": "src.txt", "group": "g0", "origin": "derived"},
    "heavy.txt": {"kind": "heavy", "source": "src.txt", "group": "g0", "origin": "derived"},
    "ind1.txt": {"kind": "independent", "source": "src.txt", "group": "g0",
                 "origin": "cut from x/2.txt"},
    "ind2.txt": {"kind": "independent", "source": "src.txt", "group": "g0",
                 "origin": "heavy from x/2.txt + x/3.txt"},
    "other.txt": {"kind": "source", "source": "other.txt", "group": "g1", "origin": "y/1.txt"},
}  # fmt: skip


def test_a_text_is_right_when_paired_with_its_source_or_rightly_left_alone() -> None:
    reported = {
        ("cut.txt", "src.txt"): "rewrite",  # right
        ("ind1.txt", "src.txt"): "partial",  # an independent text paired with the source
        ("ind1.txt", "ind2.txt"): "partial",  # two built from x/2.txt: reuse, not a false pair
        ("heavy.txt", "other.txt"): "partial",  # across topics
    }
    result = score(reported, LABELS)
    assert result.per_kind == {"cut": [1, 1], "light": [0, 0], "heavy": [0, 1],
                               "independent": [1, 2]}  # fmt: skip
    assert (result.correct, result.total) == (2, 4)
    assert result.cross_topic == [("heavy.txt", "other.txt")]
    assert result.false_pairs == [("ind1.txt", "src.txt")]


@pytest.mark.slow
@pytest.mark.skipif(not BBC.is_dir(), reason="no BBC corpus beside the checkout")
def test_eval_reuse_builds_a_set_runs_the_product_and_scores_it(tmp_path, capsys) -> None:
    args = ["eval-reuse", "--corpus", str(BBC), "--runs", "2", "--sources", "1",
            "--per-kind", "1", "--keep", str(tmp_path / "set")]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    labels = json.loads((tmp_path / "set" / "run1" / "labels.json").read_text())
    kinds = sorted(label["kind"] for label in labels.values())
    assert kinds == ["cut", "heavy", "independent", "independent", "light", "source"]
    texts = sorted((tmp_path / "set" / "run1" / "texts").glob("*.txt"))
    assert [p.name for p in texts] == sorted(labels)
    assert "product (corpus run): accuracy" in printed
    assert "cross-validated: accuracy" in printed
    # the seeds are in run 0: their rewrite is found, as the product finds it
    assert "run0: accuracy" in printed and "cross-topic pairs 0" in printed


def test_eval_reuse_skips_without_a_corpus(tmp_path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["eval-reuse", "--corpus", str(tmp_path / "none")]) == 0
    assert "skipped" in out.getvalue()


def test_the_reuse_benchmark_times_one_document_compared_again(tmp_path) -> None:
    from bench.reuse_bench import ADDED, edited_article, one_pass
    from tests.lake.test_reuse import _pass
    from tests.unit.test_reuse import ELECTION, FLOOD

    corpus = tmp_path / "corpus"
    (corpus / "news").mkdir(parents=True)
    (corpus / "news" / "flood.txt").write_text("Flood\n\n" + "\n\n".join(FLOOD) + "\n")
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    (seeds / "news").mkdir(parents=True)
    (seeds / "news" / "election.txt").write_text("Election\n\n" + " ".join(ELECTION) + "\n")
    (seeds / "news" / "flood.txt").write_text((corpus / "news" / "flood.txt").read_text())
    edited = edited_article(corpus)
    assert FLOOD[0] not in edited and FLOOD[1] in edited  # the first paragraph dropped
    (seeds / ADDED).parent.mkdir()
    (seeds / ADDED).write_text(edited)
    _pass(seeds, data)
    figures = one_pass(data, ADDED, version="r1")  # the version _pass runs
    assert (figures["compared"], figures["new_texts"]) == (1, 1)
    assert figures["seconds"] > 0 and figures["peak_rss_mb"] >= figures["rss_before_mb"] > 0

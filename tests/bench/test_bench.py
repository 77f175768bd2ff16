"""`corpus bench` end to end on a small generated corpus with spaCy's blank English pipeline:
every phase runs (bare spaCy before and after the 1-process run, the yardstick, three `corpus
run` subprocesses, one added file, the lake's figures) and every figure line is printed.
Speeds are not judged here: the benchmark prints them, and its goals block says which it met; a
test only checks that it keeps working."""

import io
import re
from pathlib import Path

import pytest

from bench.bare import bare_spacy
from bench.bench import run_bench

SENTENCES = (
    "Officials in {city} said on Monday that the talks on the {thing} would resume next week.",
    "The minister of {city} gave no date for the meeting, and the opposition called it a delay.",
    "Traders in {city} watched the price of the {thing} climb for a third day in a row.",
)
CITIES = ("Kyiv", "Minsk", "Warsaw", "Vilnius", "Riga", "Tallinn")
STEPS = ("corpus_shards", "aggregates", "table_checks", "text_reuse")  # the steps of a run


def _corpus(folder: Path) -> Path:
    for i, city in enumerate(CITIES):
        thing = ("oil depot", "grain deal", "gas pipeline")[i % 3]
        body = " ".join(s.format(city=city, thing=thing) for s in SENTENCES)
        (folder / f"{i:02d}.txt").write_text(f"News from {city}\n\n{body}\n\n{body}\n")
    return folder


@pytest.mark.slow
def test_bench_prints_every_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    monkeypatch.setenv("CORPUS_MODEL", "blank:en")  # the `corpus run` subprocesses' model
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "unused"))  # restored after the test
    out = io.StringIO()
    figures = run_bench(
        _corpus(corpus), copies=2, workers=2, model="blank:en", exact_share=0.5, out=out
    )
    text = out.getvalue()

    single, pooled, big, _ = figures["runs"]
    bare = figures["bare"]  # two bare passes bracket the 1-process run; x bare is their mean
    assert bare.words > 0 and bare.seconds_before > 0 and bare.seconds_after > 0
    mean = (bare.seconds_before + bare.seconds_after) / 2
    assert bare.rate == pytest.approx(bare.words / mean)
    fresh = r"bare spaCy \(1 core, a fresh process each\): the mean of [\d.]+ s just before the 1-"
    assert re.search(fresh, text)
    # 2 copies of 6 files and 6 exact copies: each of those is annotated once
    assert [run.files_processed for run in figures["runs"]] == [6, 6, 18, 1]
    assert big.files_copied >= 6 and f"; {big.files_copied} exact copies annotated once" in text
    assert single.files_copied == pooled.files_copied == 0
    assert all(run.words > 0 and run.peak_mb > 0 for run in (single, pooled, big))
    assert pooled.peak_worker_mb > 0 and single.peak_parent_mb > 0
    assert all(run.speed > 0 for run in (single, pooled, big))
    assert single.parallel_speed is None and pooled.parallel_speed and big.parallel_speed
    assert "2-process speed: " in text and "reached around it" in text
    one, many = figures["single_threaded"]  # bare spaCy started as the workers are
    assert one.words == many.words == bare.words and one.seconds > 0 and many.seconds > 0
    assert re.search(r"bare, 1 thread \(1 core\) +[\d,]+ +[\d.]+ ", text)
    assert re.search(r"the runs against it .*: 1 process [\d.]+ x, 2 workers [\d.]+ x", text)
    for label in ("1 process", "2 workers", "2 copies"):
        assert re.search(rf"corpus run, {label} +[\d,]+ +[\d.]+ ", text), label
        assert f"  {label}: " in text  # printed as soon as the run ended
    assert "+1 file on 18 files: 1 file(s) through NLP" in text
    increments = figures["increments"]
    assert [run.files_processed for run in increments] == [1, 1, 1]
    assert figures["runs"][3].seconds == sorted(run.seconds for run in increments)[1]  # median
    assert "each process's own peak: parent" in text
    for run in figures["runs"]:  # the command's wall time, split by its run's event log
        assert set(STEPS) <= set(run.timeline), run.label
        assert sum(run.timeline.values()) == pytest.approx(run.seconds, abs=0.05), run.label
        assert all(seconds >= 0 for seconds in run.timeline.values()), run.timeline
        assert f"  {run.label}, {run.seconds:.1f} s: start-up " in text
    assert "of its corpus_shards step's " in text
    for run in (single, pooled, big):  # the cores around the step that parses
        assert list(run.busy) == ["before", "corpus_shards", "after"], run.label
        spans = sum(busy.seconds for busy in run.busy.values())
        assert spans == pytest.approx(run.seconds, abs=0.05), run.label
        assert run.busy["before"].parent > 0 and all(b.others >= 0 for b in run.busy.values())
        assert re.search(
            rf"  {run.label}: before [\d.]+ s: [\d.]+ \(parent [\d.]+\), corpus_shards", text
        )
    assert pooled.busy["corpus_shards"].others > 0  # the workers parsed in that step
    lake = figures["lake"]
    assert lake["data_files_after"] <= lake["data_files_before"]
    assert "replace one document:" in text and "top-entities query:" in text
    # the last block: every goal met or not, on the unrounded figures (blank:en is no yardstick
    # for speed, so only the block's shape is checked here; tests/unit/test_goals.py judges)
    goals = text.split("== goals (judged on unrounded figures) ==\n")[1].splitlines()
    assert len(goals) == 11 and re.fullmatch(r"\d+ of 10 goals met(; not met: .+)?", goals[-1])
    assert all(line.endswith(("  met", "  NOT MET")) for line in goals[:10]), goals


def test_bare_spacy_counts_the_words_of_every_share():
    texts = [f"Talks in {city} resume on Monday, officials said." for city in CITIES]
    # with `say` the first process reports progress (none in a parse this short)
    done = bare_spacy(texts, "blank:en", say=lambda line: None)
    assert done.seconds > 0 and done.words == 8 * len(texts)  # punctuation is not a word
    assert bare_spacy(texts, "blank:en", processes=2).words == done.words


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads are read from /proc")
def test_a_single_threaded_bare_process_parses_on_its_only_thread():
    texts = [f"Talks in {city} resume on Monday, officials said." for city in CITIES]
    assert bare_spacy(texts, "blank:en", processes=2, single_threaded=True).threads == 1
    # as a user's script runs: numpy's BLAS and pyarrow's allocator start threads of their own
    assert bare_spacy(texts, "blank:en").threads > 1


def test_bare_spacy_fails_instead_of_waiting_when_a_process_dies():
    with pytest.raises(RuntimeError, match="ended without a result"):
        bare_spacy(["A text."], "no_such_model", processes=2)

"""The benchmark's goals judged on unrounded figures: a ratio that prints as 0.90 may miss 0.9."""

import dataclasses

from bench.goals import Measured, judge, verdict_lines

# The figures of a benchmark run of this project (words/s over bare spaCy's 5,968 words/s),
# in which every goal but one was met: 5,352 words/s in one process is 0.8968 x bare.
RUN = Measured(
    copies=4,
    workers=2,
    one_process_x_bare=5_352 / 5_968,
    pooled_x_bare=10_286 / 5_963,
    copies_x_bare=10_933 / 5_968,
    peak_mb=(716.0, 1_132.0, 1_236.0),
    increment_seconds=7.2,
    increment_files=1,
    aggregates_seconds=2.25,
    query_seconds=0.017,
    data_files=(38, 22),
    run_compaction=(492, 18),
    replace_seconds=0.30,
    delete_seconds=0.10,
)


def _met(measured: Measured) -> dict[str, bool]:
    return {verdict.goal: verdict.met for verdict in judge(measured)}


def test_a_ratio_that_rounds_to_the_goal_does_not_meet_it() -> None:
    verdicts = judge(RUN)
    one_process = verdicts[0]
    assert f"{RUN.one_process_x_bare:.2f}" == "0.90"  # what the figures table shows
    assert one_process.measured == "0.897 x" and not one_process.met
    assert [v.met for v in verdicts] == [False] + [True] * 9


def test_each_goal_fails_on_its_own_figure() -> None:
    misses = {
        "2 workers, 1 copy >= 1.7 x bare": {"pooled_x_bare": 9_585 / 5_649},  # 1.697
        "2 workers, 4 copies >= 1.7 x bare": {"copies_x_bare": 1.69},
        "peak memory < 1500 MB": {"peak_mb": (716.0, 1_400.0, 1_501.0)},
        "memory flat from 1 to 4 copies (<= +15%)": {"peak_mb": (716.0, 1_000.0, 1_160.0)},
        "+1 file: 1 file through NLP, < 15 s": {"increment_files": 2},
        "aggregates over 4 copies < 5 s": {"aggregates_seconds": 5.0},
        "top-entities query < 1 s": {"query_seconds": 1.2},
        "data files <= 200 (before / after maintenance)": {"data_files": (492, 18)},
        "replace / delete one document < 1 s": {"delete_seconds": 1.01},
    }
    fine = dataclasses.replace(RUN, one_process_x_bare=0.9)  # exactly the goal meets it
    assert all(_met(fine).values())
    for goal, change in misses.items():
        met = _met(dataclasses.replace(fine, **change))
        assert [name for name, ok in met.items() if not ok] == [goal], goal


def test_the_slow_increment_misses_even_with_one_file() -> None:
    slow = dataclasses.replace(RUN, increment_seconds=15.0)
    assert not _met(slow)["+1 file: 1 file through NLP, < 15 s"]


def test_the_goals_block_says_which_were_missed() -> None:
    lines = verdict_lines(judge(RUN))
    assert lines[1] == "== goals (judged on unrounded figures) =="
    assert lines[2].startswith("1 process >= 0.9 x bare") and lines[2].endswith("NOT MET")
    assert sum(line.endswith("  met") for line in lines) == 9
    assert lines[-1] == "9 of 10 goals met; not met: 1 process >= 0.9 x bare"
    assert any(line.endswith("38 / 22 (the run's end: 492 -> 18)  met") for line in lines)

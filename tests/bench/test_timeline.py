"""The split of a command's wall time by its run's event log, on inline events."""

import pytest

from bench.timeline import Event, around_step, dagster_share, split_wall_time

RUN = [
    Event(100.0, "ASSET_MATERIALIZATION_PLANNED"),
    Event(100.4, "PIPELINE_START"),
    Event(101.0, "STEP_START", "corpus_shards"),
    Event(104.0, "STEP_SUCCESS", "corpus_shards"),
    Event(104.1, "STEP_START", "aggregates"),
    Event(107.1, "STEP_SUCCESS", "aggregates"),
    Event(107.3, "PIPELINE_SUCCESS"),
]


def test_the_parts_follow_the_run_and_add_up_to_the_command():
    parts = split_wall_time(reversed(RUN), launched=97.0, ended=108.0)

    assert list(parts) == [
        "start-up",
        "Dagster set-up",
        "corpus_shards",
        "aggregates",
        "Dagster between steps",
        "exit",
    ]
    assert parts["start-up"] == pytest.approx(3.0)
    assert parts["Dagster set-up"] == pytest.approx(1.0)
    assert parts["corpus_shards"] == pytest.approx(3.0)
    assert parts["aggregates"] == pytest.approx(3.0)
    assert parts["Dagster between steps"] == pytest.approx(0.3)
    assert parts["exit"] == pytest.approx(0.7)
    assert sum(parts.values()) == pytest.approx(11.0)
    assert dagster_share(parts) == pytest.approx(1.3)


def test_a_step_that_never_succeeded_lasts_to_the_last_event():
    failed = [*RUN[:4], Event(104.1, "STEP_START", "aggregates"), Event(105.0, "STEP_FAILURE")]

    parts = split_wall_time(failed, launched=99.0, ended=106.0)

    assert parts["aggregates"] == pytest.approx(0.9)
    assert sum(parts.values()) == pytest.approx(7.0)


def test_a_command_that_never_made_a_run_is_all_start_up():
    assert split_wall_time([], launched=5.0, ended=6.5) == {"start-up": 1.5}


def test_around_a_step_the_command_splits_in_three_spans():
    spans = around_step(RUN, "corpus_shards", launched=97.0, ended=108.0)

    assert spans == {
        "before": (97.0, 101.0),
        "corpus_shards": (101.0, 104.0),
        "after": (104.0, 108.0),
    }
    assert around_step(RUN[:3], "corpus_shards", launched=97.0, ended=108.0)["corpus_shards"] == (
        101.0,
        101.0,
    )  # never succeeded: it lasts to the run's last event
    assert around_step(RUN, "text_reuse", launched=97.0, ended=108.0) == {}

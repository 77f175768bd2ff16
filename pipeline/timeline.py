"""Where the wall time of one `corpus run` went, from its Dagster run's event log.

The command's wall time splits into consecutive parts that add up to it:
- `start-up`: from the launch to Dagster's first event of the run (the interpreter, imports,
  the definitions, the instance, the run's creation);
- `Dagster set-up`: from there to the first step's start (the run's planned-materialization
  events, its start, resources, the executor);
- each step, from its start to its success (the asset's own work and the events it yields);
- `Dagster between steps`: the rest of the run, between steps and after the last one;
- `exit`: from the run's last event to the command's end (the summary, stopping a helper).

`around_step` cuts the same wall time into three spans around one step (before it, the step,
after it), for what the cores did in each (pipeline/cpu.py).

Event timestamps are `time.time()` values, so `launched` and `ended` must be too.
"""

from collections.abc import Iterable
from dataclasses import dataclass

STEP_START = "STEP_START"
STEP_SUCCESS = "STEP_SUCCESS"
START_UP = "start-up"
SET_UP = "Dagster set-up"
BETWEEN_STEPS = "Dagster between steps"
EXIT = "exit"
BEFORE = "before"
AFTER = "after"


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a run's event log: when, Dagster's event type, and its step if any."""

    timestamp: float
    kind: str
    step: str | None = None


def split_wall_time(events: Iterable[Event], *, launched: float, ended: float) -> dict[str, float]:
    """The parts of a command's wall time, in order; steps keyed by their name. A step that
    did not succeed counts up to the run's last event."""
    events = sorted(events, key=lambda e: e.timestamp)
    if not events:
        return {START_UP: ended - launched}
    first, last = events[0].timestamp, events[-1].timestamp
    starts = {e.step: e.timestamp for e in events if e.kind == STEP_START and e.step}
    ends = {e.step: e.timestamp for e in events if e.kind == STEP_SUCCESS and e.step}
    steps = {step: ends.get(step, last) - start for step, start in starts.items()}
    first_step = min(starts.values(), default=last)
    return {
        START_UP: first - launched,
        SET_UP: first_step - first,
        **steps,
        BETWEEN_STEPS: last - first_step - sum(steps.values()),
        EXIT: ended - last,
    }


def dagster_share(parts: dict[str, float]) -> float:
    """Seconds Dagster spent outside every step: setting up the run and between steps."""
    return parts.get(SET_UP, 0.0) + parts.get(BETWEEN_STEPS, 0.0)


def around_step(
    events: Iterable[Event], step: str, *, launched: float, ended: float
) -> dict[str, tuple[float, float]]:
    """(start, end) of three spans: from the launch to the step's start, the step (to its
    success, else the run's last event), and from there to the command's end; {} when the
    step never started."""
    events = sorted(events, key=lambda e: e.timestamp)
    starts = [e.timestamp for e in events if e.kind == STEP_START and e.step == step]
    if not starts:
        return {}
    ends = [e.timestamp for e in events if e.kind == STEP_SUCCESS and e.step == step]
    end = ends[0] if ends else events[-1].timestamp
    return {BEFORE: (launched, starts[0]), step: (starts[0], end), AFTER: (end, ended)}

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
    bounds = step_bounds(events)
    steps = {step: end - start for step, (start, end) in bounds.items()}
    first_step = min((start for start, _ in bounds.values()), default=last)
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
    bounds = step_bounds(events)
    if step not in bounds:
        return {}
    start, end = bounds[step]
    return {BEFORE: (launched, start), step: (start, end), AFTER: (end, ended)}


def step_bounds(events: Iterable[Event]) -> dict[str, tuple[float, float]]:
    """(start, end) of each step that started, in order: to its success, else to the run's
    last event."""
    events = sorted(events, key=lambda e: e.timestamp)
    last = events[-1].timestamp if events else 0.0
    starts = {e.step: e.timestamp for e in events if e.kind == STEP_START and e.step}
    ends = {e.step: e.timestamp for e in events if e.kind == STEP_SUCCESS and e.step}
    return {step: (start, ends.get(step, last)) for step, start in starts.items()}

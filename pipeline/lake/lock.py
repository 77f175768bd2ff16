"""The data folder's writer lock: an exclusive flock on DATA/.writer.lock, which the kernel
drops when its process dies, however it dies. The holder writes its process id and what it is
(`corpus run`, a Dagster run) into the file, so one that finds the lake busy can say who has it.

`corpus run` takes the lock for its whole run and refuses at once when it is taken. A run of the
Dagster UI (or its schedule) executes each step in its own process, which takes the lock for
the step: such a step waits for it instead, up to `wait_seconds`, saying so in its log, because
another step of the same run (aggregates and text reuse run side by side) or a `corpus run`
may hold it for a while.
"""

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LOCK_FILE = ".writer.lock"
POLL_SECONDS = 0.5
TELL_EVERY_SECONDS = 60.0


class LakeBusyError(RuntimeError):
    """Another process is writing to the same data folder."""


@contextmanager
def writer_lock(
    data_dir: Path,
    holder: str,
    *,
    wait_seconds: float = 0.0,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the folder's writer lock for the block, as `holder`. Taken: LakeBusyError at once,
    or after `wait_seconds` of trying, with `waiting(message)` told at the start and every
    minute."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a+") as handle:
        _acquire(handle, data_dir, wait_seconds, waiting)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {holder}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(
    handle: IO[str],
    data_dir: Path,
    wait_seconds: float,
    waiting: Callable[[str], None] | None,
) -> None:
    started = time.monotonic()
    told = None
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        busy = busy_message(data_dir)
        now = time.monotonic()
        if now - started >= wait_seconds:
            waited = f" (waited {now - started:.0f} s)" if wait_seconds else ""
            raise LakeBusyError(busy + waited) from None
        if waiting is not None and (told is None or now - told >= TELL_EVERY_SECONDS):
            waiting(f"waiting for the lake: {busy}")
            told = now
        time.sleep(POLL_SECONDS)


def busy_message(data_dir: Path) -> str:
    """Who is writing to the folder, as its lock file says, and what to do."""
    try:
        pid, _, holder = (data_dir / LOCK_FILE).read_text().strip().partition(" ")
    except OSError:
        pid, holder = "", ""
    who = f"{holder} (process {pid})" if pid.isdigit() and holder else "another run"
    return (
        f"{who} is writing to {data_dir}; wait for it to finish "
        "(readers such as `corpus sql` keep working)"
    )

"""`corpus run` as a subprocess in its own session, and killing it with its whole group."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

CORPUS = str(Path(sys.executable).with_name("corpus"))


def start(seeds: Path, data: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`corpus run` in a new session (its process group id is its pid), stderr to `log`."""
    with open(log, "w") as stderr:
        return subprocess.Popen(
            [CORPUS, "run", "--seeds", str(seeds), "--data", str(data)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def kill_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it just ended on its own
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

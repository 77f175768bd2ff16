"""A file that kills the process annotating it (here a spaCy component that exits or SIGKILLs
itself on a marked text, tests/poison.py) is found by splitting its batch, recorded as
`rejected` with the reason, and the run completes: in the one-process run's helper and in a
pool of workers. The next run leaves those files alone."""

import os
import subprocess
from pathlib import Path

import pytest

from pipeline.lake import connect
from tests.pipeline.runs import CORPUS, kill_group
from tests.pipeline.test_crash import assert_consistent
from tests.poison import EXIT_MARKER, KILL_MARKER, PoisonModel

pytestmark = pytest.mark.slow
RUN_TIMEOUT = 300
N_GOOD = 21
BATCH_DOCS = 8
ARTICLE = (
    "Harbour plan number {n} approved\n\n"
    "The port authority approved harbour plan {n} on Monday after months of talks with "
    "fishermen, who had feared for their moorings{marker}.\n\n"
    "Work is due to start in the spring and should be finished within {n} years.\n"
)
POISON = {"poison_exit.txt": EXIT_MARKER, "poison_kill.txt": KILL_MARKER}
DIED = "the annotating process died on this file: "


def make_seeds(seeds: Path) -> None:
    seeds.mkdir()
    for n in range(N_GOOD):
        (seeds / f"harbour_{n:02d}.txt").write_text(ARTICLE.format(n=n, marker=""))
    for name, marker in POISON.items():
        (seeds / name).write_text(ARTICLE.format(n=99, marker=f" ({marker})"))


def corpus_run(seeds: Path, data: Path, env: dict[str, str], *options: str) -> str:
    """`corpus run` in its own session; its stdout. Killed with its workers past the timeout
    (a pool that lost a task used to wait for it for ever, Ray retried it for ever)."""
    command = [CORPUS, "run", "--seeds", str(seeds), "--data", str(data)]
    command += ["--batch-docs", str(BATCH_DOCS), *options]
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(process)
        pytest.fail(f"the run did not end within {RUN_TIMEOUT} s")
    assert process.returncode == 0, err[-3000:]
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_kills_its_worker_is_rejected_and_the_run_completes(
    workers: int, poison_model: PoisonModel, tmp_path: Path
):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    make_seeds(seeds)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = poison_model.environment() | {"DAGSTER_HOME": str(home)}

    out = corpus_run(seeds, data, env, "--workers", str(workers))
    total = N_GOOD + len(POISON)
    assert f"files: {total} seen, {total} processed, 0 unchanged, 0 deleted, 2 rejected" in out
    assert assert_consistent(data) == total
    with connect(data) as con:
        rejected = con.execute(
            "SELECT doc_id, reject_reason FROM documents WHERE status = 'rejected' ORDER BY 1"
        ).fetchall()
        annotated = con.execute("SELECT count(DISTINCT doc_id) FROM tokens").fetchone()[0]
        files = con.execute("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 1").fetchall()
    assert rejected == [
        ("poison_exit.txt", DIED + "exit code 3"),
        ("poison_kill.txt", DIED + "killed by signal SIGKILL, e.g. for want of memory"),
    ]
    assert annotated == N_GOOD and files == [("ok", N_GOOD), ("rejected", 2)]

    again = corpus_run(seeds, data, env, "--workers", str(workers))  # poison files not retried
    assert "nothing changed: no NLP work done" in again, again


def test_a_model_that_does_not_load_stops_the_run_in_one_line(tmp_path: Path):
    """Pool restarted a worker whose initializer failed for ever: the run hung."""
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    make_seeds(seeds)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home), "CORPUS_MODEL": "no_such_model_xyz"}
    command = [CORPUS, "run", "--seeds", str(seeds), "--data", str(data), "--workers", "2"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert result.returncode == 1
    start, *rest = result.stderr.splitlines()
    assert start.startswith("corpus: ") and len(rest) == 1, rest
    assert rest[0].startswith("corpus run: a worker process could not start: OSError: [E050]")

"""A run of the real `dagster dev` and a `corpus run` at the same moment, every way round: a
UI step waits for the lake (saying so in its log) while a `corpus run` of another Dagster
instance writes; a `corpus run` of the UI's own instance is a run of it, so the UI's run waits
in its queue; and `corpus run` refuses at once, in one line naming the UI's run, while a UI
step writes. Nothing is torn or doubled, and the lake ends with every document once.

Both use the slow model of tests/poison.py (a second per marked document), so each holds the
lake long enough to be caught holding it."""

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.definitions import UI_HOLDER
from pipeline.lake import connect
from pipeline.lake.lock import LOCK_FILE
from tests.pipeline.runs import CORPUS, kill_group
from tests.pipeline.test_crash import assert_consistent
from tests.poison import SLOW_MARKER, PoisonModel
from tests.ui.dagster_dev import EVERY_SHARD, dagster_dev, private_home

pytestmark = pytest.mark.slow
# slow documents, one worker: seconds a run holds the lake, at least (the UI's run must start a
# process and load the definitions while `corpus run` still holds it, on a loaded machine too)
FIRST, LATER = 40, 16
RUN_SECONDS = 300
REFUSAL_SECONDS = 60
ARTICLE = (
    "Bridge number {n} reopens\n\n"
    "The bridge over the river reopened on Friday after {n} weeks of repairs{marker}, the city "
    "council said. Drivers had faced long detours through the town centre.\n"
)


def write_articles(seeds: Path, numbers: range) -> None:
    seeds.mkdir(exist_ok=True)
    for n in numbers:
        text = ARTICLE.format(n=n, marker=f" ({SLOW_MARKER})")
        (seeds / f"bridge_{n:03d}.txt").write_text(text)


def lock_line(data: Path) -> str:
    return (data / LOCK_FILE).read_text() if (data / LOCK_FILE).exists() else ""


def wait_for_holder(
    data: Path, holder: str, process: subprocess.Popen | None = None, *, after: str = ""
) -> str:
    """The lock file's line once `holder` has taken the lake (other than the line `after`:
    a process writes itself there once it holds the lock; nothing here probes the lock,
    which could turn a writer away)."""
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        line = lock_line(data)
        if line != after and line.strip().endswith(holder):
            return line
        assert process is None or process.poll() is None, "the run ended before it was seen"
        time.sleep(0.1)
    pytest.fail(f"{holder} never took the lake")


def assert_every_document_once(data: Path, n: int) -> None:
    assert assert_consistent(data) == n
    with connect(data) as con:
        rows = con.execute(
            "SELECT status, count(*), count(DISTINCT doc_id) FROM documents GROUP BY 1"
        )
        assert rows.fetchall() == [("ok", n, n)]
        assert con.execute("SELECT count(DISTINCT doc_id) FROM tokens").fetchone() == (n,)


def test_a_ui_run_and_corpus_run_at_once_wait_or_refuse_and_tear_nothing(
    poison_model: PoisonModel, tmp_path: Path
):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    home = private_home(tmp_path / "dagster_home")
    write_articles(seeds, range(FIRST))
    env = poison_model.environment() | {
        "DAGSTER_HOME": str(home),  # one instance for both, as `make ui` and `corpus run` share
        "CORPUS_SEEDS": str(seeds),
        "CORPUS_DATA": str(data),
        "CORPUS_BATCH_DOCS": "4",
        "CORPUS_WORKERS": "1",
        "CORPUS_AUTOMATION": "off",  # the runs here are launched by the test, at its moments
    }
    # a `corpus run` on another Dagster instance (a cron job's, say): the UI's queue does not
    # know it, only the lake's lock does
    elsewhere = env | {"DAGSTER_HOME": str(private_home(tmp_path / "cron_home"))}
    with dagster_dev(home, env, tmp_path / "dagster_dev.log") as ui:
        # `corpus run` first: the UI's step waits for the lake, then finds the work done.
        with running_cli(elsewhere) as cli:
            pid = wait_for_holder(data, "`corpus run`", cli).split()[0]
            run_id = ui.launch("corpus_job", EVERY_SHARD)
            waiting = f"waiting for the lake: `corpus run` (process {pid}) is writing to {data}"
            deadline = time.monotonic() + RUN_SECONDS
            while not any(m.startswith(waiting) for m in ui.messages(run_id)):
                assert cli.poll() is None, "corpus run ended before the UI's step waited"
                assert time.monotonic() < deadline, ui.messages(run_id)
                time.sleep(1)
            out, err = cli.communicate(timeout=RUN_SECONDS)
        assert cli.returncode == 0, err
        assert f"files: {FIRST} seen, {FIRST} processed" in out
        assert ui.wait_for_run(run_id, RUN_SECONDS) == "SUCCESS"
        assert_every_document_once(data, FIRST)

        # The UI's run first: `corpus run` refuses at once, naming it; the UI's run completes.
        write_articles(seeds, range(FIRST, FIRST + LATER))
        last = lock_line(data)  # the last step of the UI's first run
        run_id = ui.launch("corpus_job", EVERY_SHARD)
        pid = wait_for_holder(data, UI_HOLDER, after=last).split()[0]
        refused = subprocess.run(
            [CORPUS, "run"], env=env, capture_output=True, text=True, timeout=REFUSAL_SECONDS
        )
        assert refused.returncode == 1
        assert refused.stderr.strip() == (
            f"corpus run: {UI_HOLDER} (process {pid}) is writing to {data}; "
            "wait for it to finish (readers such as `corpus sql` keep working)"
        )
        assert ui.wait_for_run(run_id, RUN_SECONDS) == "SUCCESS"
        assert_every_document_once(data, FIRST + LATER)

        # `corpus run` on the UI's own instance first: it is a run of that instance, so the
        # UI's run waits in the queue (one run at a time) until it ends, then finds nothing.
        write_articles(seeds, range(FIRST + LATER, FIRST + 2 * LATER))
        with running_cli(env) as cli:
            wait_for_holder(data, "`corpus run`", cli, after=lock_line(data))
            while not ui.started_runs():  # its Dagster run begins a moment after its lock
                assert cli.poll() is None, "corpus run ended before its run was seen"
                time.sleep(0.2)
            run_id = ui.launch("corpus_job", EVERY_SHARD)
            statuses = set()
            while cli.poll() is None:
                statuses.add(ui.status(run_id))
                time.sleep(0.5)
        assert cli.returncode == 0 and statuses == {"QUEUED"}, statuses
        assert ui.wait_for_run(run_id, RUN_SECONDS) == "SUCCESS"
        assert_every_document_once(data, FIRST + 2 * LATER)

    again = subprocess.run([CORPUS, "run"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "nothing changed: no NLP work done" in again.stdout
    assert_every_document_once(data, FIRST + 2 * LATER)


@contextmanager
def running_cli(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """`corpus run` started in its own process group, stopped by its id if still running."""
    cli = subprocess.Popen(
        [CORPUS, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield cli
    finally:
        kill_group(cli)

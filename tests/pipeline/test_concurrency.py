"""Two `corpus run`s at once on one data folder: one refuses at once with a clear message, the
other completes and the lake is consistent. `corpus sql` reads while a run writes (the last
committed state, whole batches only) and can never change the lake."""

import itertools
import os
import random
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main as corpus_main
from pipeline.lake import Lake, NoLakeError, connect
from pipeline.run.engine import batch_bounds
from tests.pipeline.runs import CORPUS, start

N_FILES = 30
BATCH_DOCS = 5
RUN_TIMEOUT = 300
REFUSAL_TIMEOUT = 60  # seconds for a refused run to exit: imports only, no model, no Dagster run
POLL_SECONDS = 0.2
CHECKS_DIR = Path(__file__).resolve().parents[2] / "sql" / "checks"
BUSY_WORDS = "(process {pid}) is writing to"

TOWNS = ("Leeds", "Porto", "Graz", "Utrecht", "Bergen", "Cork")
SENTENCES = (
    "The council in {town} voted on {day} to expand the tram network by {n} kilometres.",
    "Residents told reporters that the plan had been discussed for more than {n} months.",
    "The mayor of {town} said the work would start in spring and cost {n} million euros.",
    "Opposition members argued that the money should go to schools and housing instead.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday")
FORBIDDEN = {
    "DELETE": "DELETE FROM documents",
    "DROP": "DROP TABLE documents",
    "UPDATE": "UPDATE documents SET status = 'rejected'",
    "INSERT": "INSERT INTO documents (doc_id, status) VALUES ('evil.txt', 'ok')",
    "ATTACH": "ATTACH ':memory:' AS other",
    "COPY": "COPY documents TO '{out}'",
    "CREATE": "CREATE TABLE copy_of AS SELECT * FROM documents",
    "SET": "SET threads = 1",
    "ALTER": "ALTER TABLE documents ADD COLUMN evil INTEGER",
    "DETACH": "DETACH lake",
    "CALL": "CALL ducklake_expire_snapshots('lake', older_than => now())",
    "table function that writes": (
        "SELECT * FROM ducklake_expire_snapshots('lake', older_than => now())"
    ),
    "CTE around a DELETE": "WITH x AS (SELECT 1) DELETE FROM documents",
    "two statements": "SELECT 1; DROP TABLE documents",
    "EXPORT": "EXPORT DATABASE '{out}'",
    "INSTALL": "INSTALL httpfs",
    "LOAD": "LOAD httpfs",
    "VACUUM": "VACUUM",
    "CHECKPOINT": "CHECKPOINT",
}


def make_seeds(root: Path) -> None:
    rng = random.Random(7)
    root.mkdir(parents=True)
    for i in range(N_FILES):
        town = rng.choice(TOWNS)
        paragraphs = [
            " ".join(
                rng.choice(SENTENCES).format(town=town, day=rng.choice(DAYS), n=rng.randint(2, 90))
                for _ in range(3)
            )
            for _ in range(3)
        ]
        text = f"{town} votes on trams\n\n" + "\n\n".join(paragraphs) + "\n"
        (root / f"tram_{i:02d}.txt").write_text(text)


def environment(tmp: Path) -> dict[str, str]:
    home = tmp / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    # one process: its batches commit in order, which the reads in between are checked against
    settings = {"CORPUS_BATCH_DOCS": str(BATCH_DOCS), "CORPUS_WORKERS": "1"}
    return {**os.environ, "DAGSTER_HOME": str(home), **settings}


def lake_ready(data: Path) -> bool:
    try:
        with connect(data) as con:
            con.execute("SELECT count(*) FROM documents").fetchone()
    except (NoLakeError, duckdb.Error):
        return False
    return True


def sql(capsys: pytest.CaptureFixture, data: Path, query: str) -> tuple[int, str, str]:
    """`corpus sql` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = corpus_main(["sql", query, "--data", str(data), "--format", "csv"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def count_documents(capsys: pytest.CaptureFixture, data: Path) -> int:
    code, out, err = sql(capsys, data, "SELECT count(*) AS n FROM documents")
    assert code == 0, err
    return int(out.splitlines()[1])


def wait_all(
    runs: dict[str, subprocess.Popen], data: Path, capsys: pytest.CaptureFixture
) -> tuple[dict[str, float], list[int]]:
    """Wait for every run; meanwhile read the lake with `corpus sql` as soon as it exists."""
    started, ended, counts = time.monotonic(), {}, []
    while len(ended) < len(runs) and time.monotonic() - started < RUN_TIMEOUT:
        for name, process in runs.items():
            if name not in ended and process.poll() is not None:
                ended[name] = time.monotonic() - started
        if len(ended) < len(runs) and (counts or lake_ready(data)):
            counts.append(count_documents(capsys, data))
        time.sleep(POLL_SECONDS)
    assert len(ended) == len(runs), f"runs still going after {RUN_TIMEOUT} s"
    return ended, counts


def assert_consistent(data: Path) -> None:
    with connect(data) as con:
        for table in ("tokens", "sentences", "entities", "removed_lines"):
            for parent in ("documents", "files"):
                query = f"SELECT count(*) FROM {table} ANTI JOIN {parent} USING (doc_id)"
                assert con.execute(query).fetchone() == (0,), (table, parent)
        for check in ("files_documents_disagree.sql", "orphan_entities.sql"):
            assert (
                con.execute((CHECKS_DIR / check).read_text(), {"since": None}).fetchall() == []
            ), check
        statuses = con.execute("SELECT status, count(*) FROM documents GROUP BY 1").fetchall()
        assert statuses == [("ok", N_FILES)]
        assert con.execute("SELECT count(DISTINCT doc_id) FROM files").fetchone() == (N_FILES,)
        assert con.execute("SELECT count(DISTINCT doc_id) FROM tokens").fetchone() == (N_FILES,)


@pytest.mark.slow
def test_two_runs_at_once_one_refuses_and_the_other_completes(
    tmp_path: Path, processes: list[subprocess.Popen], capsys: pytest.CaptureFixture
) -> None:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    make_seeds(seeds)
    env = environment(tmp_path)
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    runs = {name: start(seeds, data, env, log) for name, log in logs.items()}
    processes.extend(runs.values())

    ended, counts = wait_all(runs, data, capsys)

    codes = {name: process.returncode for name, process in runs.items()}
    assert sorted(codes.values()) == [0, 1], codes
    loser = next(name for name, code in codes.items() if code == 1)
    winner = next(name for name, code in codes.items() if code == 0)
    message = logs[loser].read_text()
    busy = BUSY_WORDS.format(pid=runs[winner].pid)
    assert f"corpus run: `corpus run` {busy} {data.resolve()}" in message, message
    assert "Traceback" not in message and "dagster" not in message.lower(), message
    assert len(message.strip().splitlines()) == 1, message
    assert ended[loser] < ended[winner], "the refused run waited for the other one"
    assert ended[loser] < REFUSAL_TIMEOUT
    assert_consistent(data)
    # `corpus sql` read the lake while the winner wrote it: whole batches only, never less.
    assert counts, "corpus sql never read the lake while the run wrote it"
    bounds = batch_bounds(N_FILES, BATCH_DOCS, split_tail=False)  # the run is one process
    whole = {0, *itertools.accumulate(end - start for start, end in bounds)}
    assert counts == sorted(counts) and set(counts) <= whole, (counts, whole)
    assert count_documents(capsys, data) == N_FILES


def test_a_run_refuses_at_once_while_another_holds_the_lock(tmp_path: Path) -> None:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    make_seeds(seeds)
    with Lake(data, holder="a test").hold():
        result = subprocess.run(
            [CORPUS, "run", "--seeds", str(seeds), "--data", str(data)],
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=REFUSAL_TIMEOUT,
        )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"corpus run: a test {BUSY_WORDS.format(pid=os.getpid())} {data.resolve()}; "
        "wait for it to finish (readers such as `corpus sql` keep working)"
    )
    assert not (data / "catalog.sqlite").exists()  # nothing was touched


@pytest.fixture
def small_lake(tmp_path: Path) -> Path:
    """A lake with two documents, written without the model."""
    data = tmp_path / "data"
    with Lake(data).writer() as lake:
        lake.con.execute(
            "INSERT INTO documents (doc_id, status, text) "
            "VALUES ('a.txt', 'ok', 'Alpha.'), ('b.txt', 'ok', 'Beta.')"
        )
        lake.con.execute(
            "INSERT INTO files (doc_id, status) VALUES ('a.txt', 'ok'), ('b.txt', 'ok')"
        )
    return data


def lake_state(data: Path) -> tuple[list[tuple], list[tuple]]:
    with connect(data) as con:
        tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        documents = con.execute("SELECT doc_id, status, text FROM documents ORDER BY 1")
        return tables, documents.fetchall()


def test_sql_refuses_every_statement_that_could_change_the_lake(
    small_lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = lake_state(small_lake)
    out = tmp_path / "exported"
    answers = {kind: sql(capsys, small_lake, q.format(out=out)) for kind, q in FORBIDDEN.items()}
    for kind, (code, stdout, stderr) in answers.items():
        assert code == 1, (kind, stdout)
        assert stderr.startswith("corpus sql: ") and stderr.count("\n") == 1, (kind, stderr)
        assert "Traceback" not in stderr and stdout == "", kind
    assert lake_state(small_lake) == before
    assert not out.exists()


def test_sql_answers_a_query_read_only(small_lake: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = sql(capsys, small_lake, "SELECT doc_id, text FROM documents ORDER BY doc_id")
    assert code == 0 and out.splitlines() == ["doc_id,text", "a.txt,Alpha.", "b.txt,Beta."]


def test_sql_reads_while_the_writer_lock_is_held(
    small_lake: Path, capsys: pytest.CaptureFixture
) -> None:
    with Lake(small_lake).writer() as lake:
        lake.con.execute("BEGIN")
        lake.con.execute(
            "INSERT INTO documents (doc_id, status, text) VALUES ('c.txt', 'ok', 'C.')"
        )
        assert count_documents(capsys, small_lake) == 2  # not committed: not seen
        lake.con.execute("COMMIT")
        assert count_documents(capsys, small_lake) == 3

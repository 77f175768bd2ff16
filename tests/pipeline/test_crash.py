"""A `corpus run` killed with SIGKILL leaves every table as it was before or after a batch,
never half-written, and the next run finishes the work: the lake then equals a clean run's.

The run is a subprocess in its own process group, killed as a group (children included) once
the first batch is visible to a read-only reader, then again at a random moment of the next run.
"""

import os
import random
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main as corpus_main
from pipeline.lake import NoLakeError, connect
from tests.pipeline.runs import kill_group, start

N_FILES = 60
BATCH_DOCS = 6  # ten commits, about a second apart
START_TIMEOUT = 180  # seconds until the first commit, model load included
RUN_TIMEOUT = 300
POLL_SECONDS = 0.1
CHECKS_DIR = Path(__file__).resolve().parents[2] / "sql" / "checks"
ANNOTATED_TABLES = ("tokens", "sentences", "entities", "removed_lines")

PEOPLE = ("Maria Lopez", "John Carter", "Anna Schmidt", "David Okafor", "Sarah Cohen", "Li Wei")
CITIES = ("Chicago", "Berlin", "Nairobi", "Toronto", "Lisbon", "Melbourne", "Glasgow", "Denver")
BODIES = ("the city council", "the Ministry of Transport", "the World Bank", "the state court")
TOPICS = (
    "the new budget",
    "a rail strike",
    "the flood defences",
    "rising rents",
    "a school reform",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SENTENCES = (
    "{person} said on {day} that {body} would review {topic} before the end of the year.",
    "Officials in {city} estimated that {n} residents had been affected by {topic}.",
    '"We have listened to people in {city}, and we will act," {person} told reporters.',
    "Critics argued that {body} had ignored warnings about {topic} for more than {n} days.",
    "The decision follows weeks of protests in {city}, where {n} people marched on {day}.",
    "According to figures published by {body}, spending on {topic} rose by {n} percent.",
    "{person}, who has led the campaign since {year}, called the vote a turning point.",
    "Analysts expect the debate over {topic} in {city} to continue well into {year}.",
)


def article(rng: random.Random) -> str:
    city, topic = rng.choice(CITIES), rng.choice(TOPICS)
    paragraphs = [
        " ".join(
            rng.choice(SENTENCES).format(
                person=rng.choice(PEOPLE),
                city=city,
                body=rng.choice(BODIES),
                topic=topic,
                day=rng.choice(DAYS),
                n=rng.randint(3, 900),
                year=rng.randint(2015, 2026),
            )
            for _ in range(rng.randint(3, 4))
        )
        for _ in range(rng.randint(3, 5))
    ]
    return f"{city} divided over {topic}\n\n" + "\n\n".join(paragraphs) + "\n"


def make_seeds(root: Path) -> None:
    rng = random.Random(20240601)
    for i in range(N_FILES):
        folder = root / f"section_{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"article_{i:03d}.txt").write_text(article(rng))


def environment(tmp: Path, name: str, batch_docs: int | None) -> dict[str, str]:
    home = tmp / f"dagster_{name}"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    env.pop("CORPUS_BATCH_DOCS", None)
    if batch_docs is not None:
        env["CORPUS_BATCH_DOCS"] = str(batch_docs)
    return env


def committed_documents(data: Path) -> int | None:
    """Documents a read-only reader sees, or None while the lake is not there yet."""
    try:
        with connect(data) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except (NoLakeError, duckdb.Error):
        return None


def wait_for_more_documents(data: Path, process: subprocess.Popen, log: Path, than: int) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        count = committed_documents(data)
        if count is not None and count > than:
            return count
        assert process.poll() is None, f"the run ended early: {log.read_text()[-2000:]}"
        time.sleep(POLL_SECONDS)
    pytest.fail(f"no batch committed within {START_TIMEOUT} s")


def finish(process: subprocess.Popen, log: Path) -> None:
    try:
        process.wait(timeout=RUN_TIMEOUT)
    finally:
        kill_group(process)
    assert process.returncode == 0, log.read_text()[-3000:]


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def assert_consistent(data: Path) -> int:
    """Every table as before or after each batch; returns the documents committed."""
    with connect(data) as con:
        for table in ANNOTATED_TABLES:
            for parent in ("documents", "files"):
                orphans = f"SELECT count(*) FROM {table} ANTI JOIN {parent} USING (doc_id)"
                assert scalar(con, orphans) == 0, f"{table} rows without their {parent} row"
        for check in ("files_documents_disagree.sql", "orphan_entities.sql"):
            assert (
                con.execute((CHECKS_DIR / check).read_text(), {"since": None}).fetchall() == []
            ), check
        for table in ("documents", "files"):
            assert scalar(con, f"SELECT count(*) - count(DISTINCT doc_id) FROM {table}") == 0
        unannotated = (
            "SELECT count(*) FROM documents d WHERE status = 'ok' AND language IN ('en', 'und') "
            "AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.doc_id = d.doc_id)"
        )
        assert scalar(con, unannotated) == 0, "a document committed without its annotation"
        n_docs = scalar(con, "SELECT count(*) FROM documents")
        assert n_docs == scalar(con, "SELECT coalesce(sum(n_docs), 0) FROM batches")
    return n_docs


def assert_whole_batches(data: Path) -> int:
    """Consistent, and holding whole batches only: the documents are exactly those of the
    committed batches (assert_consistent), each of at most BATCH_DOCS files (the last ones
    of a run are smaller: pipeline.run.engine.batch_bounds)."""
    n_docs = assert_consistent(data)
    with connect(data) as con:
        sizes = [n for (n,) in con.execute("SELECT n_docs FROM batches").fetchall()]
    assert sizes and all(0 < n <= BATCH_DOCS for n in sizes), sizes
    return n_docs


def assert_sql_reads(data: Path, expected: int, capsys: pytest.CaptureFixture) -> None:
    """`corpus sql` opens the killed lake read-only and sees its last committed state."""
    capsys.readouterr()
    query = "SELECT count(*) AS n FROM documents"
    code = corpus_main(["sql", query, "--data", str(data), "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0 and out.splitlines() == ["n", str(expected)], out


def snapshot(data: Path) -> dict[str, list[tuple]]:
    with connect(data) as con:
        return {
            "documents": con.execute(
                "SELECT doc_id, content_sha256, status, text FROM documents ORDER BY doc_id"
            ).fetchall(),
            "files": con.execute(
                "SELECT doc_id, content_sha256, status FROM files ORDER BY doc_id"
            ).fetchall(),
            **{
                f"{table}_per_doc": con.execute(
                    f"SELECT doc_id, count(*) FROM {table} GROUP BY doc_id ORDER BY doc_id"
                ).fetchall()
                for table in ANNOTATED_TABLES
            },
        }


@pytest.mark.slow
def test_killed_runs_leave_whole_batches_and_the_next_run_completes(
    tmp_path: Path, processes: list[subprocess.Popen], capsys: pytest.CaptureFixture
) -> None:
    seeds, data, clean = tmp_path / "seeds", tmp_path / "data", tmp_path / "clean"
    logs = {name: tmp_path / f"{name}.log" for name in ("clean", "kill1", "kill2", "resume")}
    make_seeds(seeds)
    # The reference: an uninterrupted run on the same files, alongside the crash runs.
    processes.append(start(seeds, clean, environment(tmp_path, "clean", None), logs["clean"]))
    reference = processes[-1]
    crash_env = environment(tmp_path, "crash", BATCH_DOCS)

    # Kill 1: as soon as the first batch is committed.
    processes.append(start(seeds, data, crash_env, logs["kill1"]))
    wait_for_more_documents(data, processes[-1], logs["kill1"], than=0)
    kill_group(processes[-1])
    first = assert_whole_batches(data)
    assert 0 < first < N_FILES, f"{first} documents: the run was not killed mid-way"
    assert_sql_reads(data, first, capsys)

    # Kill 2: at a random moment after the next run has committed something of its own.
    processes.append(start(seeds, data, crash_env, logs["kill2"]))
    wait_for_more_documents(data, processes[-1], logs["kill2"], than=first)
    delay = random.uniform(0.0, 2.0)
    time.sleep(delay)
    kill_group(processes[-1])
    second = assert_whole_batches(data)
    assert first < second <= N_FILES, f"killed {delay:.2f} s after a commit"
    assert_sql_reads(data, second, capsys)

    # The next run completes the work, and the lake equals the clean run's.
    processes.append(start(seeds, data, environment(tmp_path, "crash", None), logs["resume"]))
    finish(processes[-1], logs["resume"])
    finish(reference, logs["clean"])
    assert assert_consistent(data) == N_FILES
    after, expected = snapshot(data), snapshot(clean)
    assert all(status == "ok" for _, _, status, _ in after["documents"])
    assert len(after["tokens_per_doc"]) == N_FILES
    assert after == expected


def test_sql_on_a_lake_killed_while_being_created_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A run killed in its first instant leaves an empty catalog file behind."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.sqlite").touch()
    code = corpus_main(["sql", "SELECT count(*) FROM documents", "--data", str(data)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("corpus sql: ") and err.count("\n") == 1, err
    assert "Traceback" not in err

"""Snapshots: a folder grown over two `corpus run`s, read back as it was at the first; what
`corpus snapshots` says each commit did; `corpus export`; snapshots that maintenance expired.
The runs use the tokenizer-only model (CORPUS_MODEL=blank:en)."""

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.cli import main
from pipeline.lake import Lake, SnapshotError
from pipeline.lake.store import missing_columns
from pipeline.schema import BASE_TABLES
from pipeline.versions import code_version
from tests.pipeline.runs import CORPUS

ARTICLE = (
    "{title}\n\nOfficials in Kyiv said on Monday that talks with Minsk would resume soon. "
    "They gave no reason for the delay, and the ministry declined to comment further.\n"
)
COUNTS = (
    "SELECT (SELECT count(*) FROM documents) AS documents, "
    "(SELECT count(*) FROM tokens) AS tokens, "
    "(SELECT string_agg(doc_id, ',' ORDER BY doc_id) FROM documents) AS ids"
)


def corpus(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def run_snapshot(seeds: Path, data: Path) -> int:
    """`corpus run`, and the snapshot its summary says it ends at."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(["run", "--seeds", str(seeds), "--data", str(data)]) == 0
    found = re.search(r"^lake: snapshot (\d+), code version (\S+)$", printed.getvalue(), re.M)
    assert found is not None, printed.getvalue()
    assert found.group(2) == code_version(model="blank:en")
    return int(found.group(1))


def lake_counts(data: Path, at: int | None = None) -> dict:
    with pipeline.connect(data, at=at) as con:
        result = con.execute(COUNTS)
        return dict(zip([c[0] for c in result.description], result.fetchone(), strict=True))


def sql_counts(capsys: pytest.CaptureFixture[str], data: Path, *at: str) -> dict:
    status, out, err = corpus(capsys, "sql", COUNTS, "--format", "json", "--data", str(data), *at)
    assert status == 0, err
    return json.loads(out)[0]


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A folder of two files run once, then grown (one changed, one deleted, three added) and
    run again: the lake, each run's snapshot, and the counts after each."""
    seeds, data = tmp_path_factory.mktemp("seeds"), tmp_path_factory.mktemp("lake") / "data"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CORPUS_MODEL", "blank:en")
        for name in ("a", "b"):
            (seeds / f"{name}.txt").write_text(ARTICLE.format(title=f"Title {name}"))
        first = run_snapshot(seeds, data)
        before = lake_counts(data)
        (seeds / "a.txt").write_text(ARTICLE.format(title="Title a") + "\nA new last line.\n")
        (seeds / "b.txt").unlink()
        for name in ("c", "d", "e"):
            (seeds / f"{name}.txt").write_text(ARTICLE.format(title=f"Title {name}"))
        second = run_snapshot(seeds, data)
    return {"data": data, "first": first, "second": second, "before": before}


def test_a_grown_folder_reads_back_as_it_was_at_the_first_run(capsys, grown):
    data, first, second, before = grown["data"], grown["first"], grown["second"], grown["before"]
    assert (before["documents"], before["ids"]) == (2, "a.txt,b.txt")
    after = sql_counts(capsys, data)
    assert second > first and after["ids"] == "a.txt,c.txt,d.txt,e.txt"
    assert after["tokens"] != before["tokens"]
    assert sql_counts(capsys, data, "--at", str(first)) == before
    assert sql_counts(capsys, data, "--at", str(second)) == after
    assert lake_counts(data, at=first) == before


def test_snapshots_say_what_each_commit_did(capsys, grown):
    data = grown["data"]
    status, out, _ = corpus(capsys, "snapshots", "--format", "json", "--data", str(data))
    assert status == 0
    rows = json.loads(out)
    assert list(rows[0])[:6] == [
        "snapshot", "time_utc", "files_added", "files_changed", "files_deleted", "code_version",
    ]  # fmt: skip
    ids = [row["snapshot"] for row in rows]
    assert ids == sorted(ids) and {grown["first"], grown["second"]} <= set(ids)
    assert ids[-1] == grown["second"]
    moves = [
        (row["files_added"], row["files_changed"], row["files_deleted"])
        for row in rows
        if row["what"].startswith(("batch of", "delete "))
    ]
    assert moves == [(2, 0, 0), (0, 0, 1), (3, 1, 0)]  # run 1; run 2: b deleted, then a batch
    assert {row["code_version"] for row in rows if row["what"].startswith("batch")} == {
        code_version(model="blank:en")
    }
    status, table, _ = corpus(capsys, "snapshots", "--data", str(data))
    assert status == 0 and table.splitlines()[0].split()[0] == "snapshot"


def test_export_writes_a_table_or_a_query_as_it_was(capsys, grown, tmp_path: Path):
    data, first = grown["data"], str(grown["first"])
    out = tmp_path / "out" / "documents.parquet"
    status, printed, _ = corpus(
        capsys, "export", "documents", "--out", str(out), "--at", first, "--data", str(data)
    )
    assert status == 0 and printed.strip() == f"{out} (2 rows)"
    table = pq.read_table(out)
    assert sorted(table.column("doc_id").to_pylist()) == ["a.txt", "b.txt"]
    assert "date_source" in table.column_names

    # a view (the aggregates' entity_counts is one) is named as a table is
    counts = tmp_path / "entity_counts.csv"
    status, printed, _ = corpus(
        capsys, "export", "entity_counts", "--out", str(counts), "--data", str(data)
    )
    assert status == 0 and printed.startswith(f"{counts} (")
    assert next(csv.reader(counts.open())) == ["norm", "label", "mentions", "documents"]

    query = "SELECT doc_id, count(*) AS tokens FROM tokens GROUP BY doc_id ORDER BY doc_id"
    sheet = tmp_path / "tokens.csv"
    status, _, _ = corpus(capsys, "export", query, "--out", str(sheet), "--data", str(data))
    assert status == 0
    rows = list(csv.DictReader(sheet.open()))
    assert [row["doc_id"] for row in rows] == ["a.txt", "c.txt", "d.txt", "e.txt"]
    assert all(int(row["tokens"]) > 10 for row in rows)
    assert not list(tmp_path.glob(".*.partial"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "documents", "--out", "x.xlsx"], "--out must end in .parquet or .csv"),
        (["export", "DELETE FROM documents", "--out", "x.csv"], "only queries are allowed"),
        (["export", "SELECT * FROM nowhere", "--out", "x.csv"], "nowhere"),
        (["sql", "SELECT 1", "--at", "1000000"], "no snapshot 1000000: the latest is"),
        (["sql", "SELECT 1", "--at", "-1"], "a snapshot is a whole number from 0 on"),
        (["export", "files", "--out", "x.csv", "--at", "1000000"], "no snapshot 1000000"),
    ],
)
def test_bad_export_or_snapshot_is_one_line(capsys, grown, tmp_path, argv, message):
    argv = [str(tmp_path / a) if a.startswith("x.") else a for a in argv]
    status, out, err = corpus(capsys, *argv, "--data", str(grown["data"]))
    assert status == 1 and out == "" and err.count("\n") == 1
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_expired_snapshot_is_gone_in_one_line(capsys, grown, tmp_path: Path):
    data, first = tmp_path / "data", grown["first"]
    shutil.copytree(grown["data"], data)  # the other tests keep every snapshot
    with Lake(data).writer() as writer:  # what maintenance does to snapshots over a day old
        writer.con.execute("CALL ducklake_expire_snapshots('lake', older_than => now())")
    status, out, err = corpus(capsys, "sql", "SELECT 1", "--at", str(first), "--data", str(data))
    assert status == 1 and out == ""
    kept = f"kept: from {grown['second']} on"
    assert err == f"corpus sql: snapshot {first} is gone: maintenance expired it ({kept})\n"
    with pytest.raises(SnapshotError, match=f"snapshot {first} is gone"):
        pipeline.connect(data, at=first)
    assert sql_counts(capsys, data, "--at", str(grown["second"]))["documents"] == 4


def test_a_lake_made_before_date_source_gains_the_column(tmp_path: Path):
    data = tmp_path / "data"
    with Lake(data).writer() as writer:
        writer.con.execute("ALTER TABLE documents DROP COLUMN date_source")
    with Lake(data).writer() as writer:  # the next writer adds it back, rows null
        assert missing_columns(writer, BASE_TABLES) == []


def test_a_reader_that_stops_early_gets_no_traceback(grown):
    """`corpus sql ... | head -1`: the command ends quietly when its reader goes away."""
    query = "SELECT range FROM range(200000)"
    command = [CORPUS, "sql", query, "--format", "csv", "--data", str(grown["data"])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline() == b"range\n"
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""

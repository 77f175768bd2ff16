"""`corpus sql`, `corpus search`, `corpus kwic` and `pipeline.connect` see the lake and nothing
else on the machine: no other file is read, listed, attached or written, through DuckDB's own
functions or through the sqlite extension; the lake itself stays readable, new commits too."""

import sqlite3
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

import pipeline
from pipeline.cli import main as corpus_main
from pipeline.lake import Lake
from pipeline.lake.aggregates import rebuild
from pipeline.lake.documents import write_batch
from pipeline.schema import DOCUMENT_TABLES, FILES

SECRET = "top secret: the password is swordfish"


def _batch(prefix: str, n: int) -> dict[str, pa.Table]:
    """n `ok` documents (enough rows that DuckLake writes Parquet files, not catalog rows)."""
    tables = {name: schema.empty_table() for name, schema in DOCUMENT_TABLES.items()}
    ids = [f"{prefix}{i:03d}.txt" for i in range(n)]
    tables["documents"] = pa.Table.from_pylist(
        [
            {"doc_id": d, "status": "ok", "content_sha256": d, "text": f"The council met ({d})."}
            for d in ids
        ],
        schema=DOCUMENT_TABLES["documents"],
    )
    tables["tokens"] = pa.Table.from_pylist(
        [{"doc_id": d, "sent_idx": 0, "tok_idx": 0, "text": "council", "lemma": "council",
          "pos": "NOUN", "is_punct": False, "start_char": 4} for d in ids],
        schema=DOCUMENT_TABLES["tokens"],
    )  # fmt: skip
    tables["files"] = pa.Table.from_pylist(
        [{"doc_id": d, "shard": 0, "status": "ok", "code_version": "v1"} for d in ids],
        schema=FILES,
    )
    return tables


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Lake(data).writer() as writer:
        assert write_batch(writer, "first", _batch("a", 200), keep_aggregates=True)
        rebuild(writer)  # what a run's aggregates step does on a lake's first run
    assert any((data / "lake").rglob("*.parquet"))
    return data


@pytest.fixture
def outside(tmp_path: Path) -> dict[str, Path]:
    """Files beside the lake that no query may read: text, CSV and a SQLite database."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    (folder / "secret.csv").write_text(f"word\n{SECRET}\n")
    con = sqlite3.connect(folder / "secret.sqlite")
    con.execute("CREATE TABLE secret (word TEXT)")
    con.execute("INSERT INTO secret VALUES (?)", [SECRET])
    con.commit()
    con.close()
    return {p.suffix[1:]: p for p in folder.iterdir()} | {"folder": folder}


def _sql(capsys: pytest.CaptureFixture, data: Path, query: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = corpus_main(["sql", query, "--data", str(data), "--format", "csv"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _reading(outside: dict[str, Path], data: Path) -> dict[str, str]:
    txt, csv, db, folder = outside["txt"], outside["csv"], outside["sqlite"], outside["folder"]
    return {
        "read_text": f"SELECT * FROM read_text('{txt}')",
        "read_csv": f"SELECT * FROM read_csv('{csv}')",
        "a file by name": f"SELECT * FROM '{csv}'",
        # (the catalog, attached before the sandbox, is the lake's own and stays readable)
        "read_blob beside the lake": f"SELECT * FROM read_blob('{data / '.writer.lock'}')",
        "glob": f"SELECT * FROM glob('{folder}/*')",
        "glob of the data folder": f"SELECT * FROM glob('{data}/*')",
        "sqlite_scan": f"SELECT * FROM sqlite_scan('{db}', 'secret')",
        "sqlite_scan, quoted": f"SELECT * FROM \"SQLITE_SCAN\"('{db}', 'secret')",
        "sqlite_scan, qualified, commented": (
            f"SELECT * FROM system.main.sqlite_scan /* x */ ('{db}', 'secret')"
        ),
        "sqlite_attach": f"SELECT * FROM sqlite_attach('{db}')",
        "query() built from strings": (
            f"SELECT * FROM query('SELECT * FROM sqli' || 'te_scan(''{db}'', ''secret'')')"
        ),
        "DESCRIBE of query()": (
            f"DESCRIBE FROM query('SELECT * FROM sqli' || 'te_scan(''{db}'', ''secret'')')"
        ),
        "EXPLAIN ANALYZE of sqlite_scan": (
            f"EXPLAIN ANALYZE SELECT count(*) FROM sqlite_scan('{db}', 'secret')"
        ),
        "the catalog's own tables": (
            "SELECT count(*) FROM __ducklake_metadata_lake.ducklake_snapshot"
        ),
    }


def test_sql_reads_no_file_but_the_lake(
    lake: Path, outside: dict[str, Path], capsys: pytest.CaptureFixture
):
    answers = {name: _sql(capsys, lake, q) for name, q in _reading(outside, lake).items()}
    for name, (code, out, err) in answers.items():
        assert code == 1, (name, out)
        assert err.startswith("corpus sql: ") and err.count("\n") == 1, (name, err)
        assert "only the lake's tables can be read here" in err, (name, err)
        assert SECRET not in out + err and "Traceback" not in err, name


def test_sql_still_reads_the_lake_its_snapshots_and_functions(
    lake: Path, capsys: pytest.CaptureFixture
):
    columns = str(len(DOCUMENT_TABLES["documents"].names))
    queries = {
        "SELECT count(*) AS n FROM documents": ["n", "200"],
        "SELECT count(*) AS n FROM documents AT (VERSION => 1)": ["n", "0"],
        "SELECT count(*) > 0 AS has FROM ducklake_snapshots('lake')": ["has", "True"],
        "SELECT count(*) AS n FROM (DESCRIBE documents)": ["n", columns],
        "SELECT 'sqlite_scan(' AS text": ["text", "sqlite_scan("],
    }  # fmt: skip
    for query, expected in queries.items():
        code, out, err = _sql(capsys, lake, query)
        assert code == 0 and out.splitlines() == expected, (query, out, err)
    code, out, _ = _sql(capsys, lake, "SUMMARIZE documents")
    assert code == 0 and "doc_id" in out


def test_sql_cannot_write_beside_the_lake(lake: Path, capsys: pytest.CaptureFixture):
    writes = [
        f"COPY (SELECT 1) TO '{lake / 'lake' / 'x.csv'}'",
        f"ATTACH '{lake / 'evil.duckdb'}' AS evil",
        f"ATTACH '{lake / 'evil.sqlite'}' AS evil (TYPE sqlite)",
        f"ATTACH 'ducklake:sqlite:{lake / 'other.sqlite'}' AS other",
        "SET enable_external_access = true",
    ]
    before = sorted(p.relative_to(lake) for p in lake.rglob("*"))
    for query in writes:
        code, _, err = _sql(capsys, lake, query)
        assert code == 1 and err.count("\n") == 1, (query, err)
    assert sorted(p.relative_to(lake) for p in lake.rglob("*")) == before


def test_a_notebook_connection_reads_the_lake_and_new_commits_but_no_other_file(
    lake: Path, outside: dict[str, Path]
):
    con = pipeline.connect(lake)
    with pytest.raises(duckdb.PermissionException):
        con.sql(f"SELECT * FROM read_text('{outside['txt']}')")
    with pytest.raises(duckdb.PermissionException):
        con.sql(f"SELECT * FROM glob('{outside['folder']}/*')")
    with pytest.raises(duckdb.PermissionException):
        con.execute(f"ATTACH '{outside['folder'] / 'new.duckdb'}' AS new")
    with pytest.raises(duckdb.Error, match="lock"):  # the sandbox cannot be lifted
        con.execute("SET enable_external_access = true")
    with pytest.raises(duckdb.Error):
        con.execute("LOAD httpfs")
    assert not (outside["folder"] / "new.duckdb").exists()
    with Lake(lake).writer() as writer:  # new Parquet files, after the sandbox was set
        assert write_batch(writer, "second", _batch("b", 200), keep_aggregates=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (400,)
    assert con.execute("SELECT count(*) FROM tokens").fetchone() == (400,)
    con.close()


def test_search_and_kwic_read_through_the_same_sandbox(
    lake: Path, outside: dict[str, Path], capsys: pytest.CaptureFixture
):
    with Lake(lake).reader() as reader, pytest.raises(duckdb.PermissionException):
        reader.con.sql(f"SELECT * FROM read_text('{outside['txt']}')")
    capsys.readouterr()
    assert corpus_main(["kwic", "council", "--data", str(lake), "--limit", "2"]) == 0
    assert corpus_main(["search", "council", "--data", str(lake), "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "(2 of 200 occurrences)" in out and "a000.txt" in out

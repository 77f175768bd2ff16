"""A damaged, foreign or lost catalog is one clear line that says what to do, never a traceback,
and never a new lake started over the old one's data files; a hot journal left by a writer
killed mid-commit is rolled back so readers can read."""

import hashlib
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.cli import main as corpus_main
from pipeline.lake import CatalogError, Lake, NoLakeError, connect
from pipeline.lake.maintenance import maintain

N_DOCS = 300  # enough rows that DuckLake writes Parquet files rather than catalog rows


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with Lake(data).writer() as writer:
        writer.con.execute(
            "INSERT INTO documents (doc_id, status, text) "
            f"SELECT 'd' || i || '.txt', 'ok', 'Some text.' FROM range({N_DOCS}) t(i)"
        )
    assert _data_files(data)
    return data


def _data_files(data: Path) -> dict[str, str]:
    """Every data file of the lake and a hash of its bytes."""
    return {
        str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((data / "lake").rglob("*.parquet"))
    }


def _sql_error(capsys: pytest.CaptureFixture, data: Path) -> str:
    capsys.readouterr()
    code = corpus_main(["sql", "SELECT count(*) FROM documents", "--data", str(data)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("corpus sql: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _truncate(catalog: Path) -> None:
    catalog.write_bytes(catalog.read_bytes()[: catalog.stat().st_size // 2])


def _text(catalog: Path) -> None:
    catalog.write_text("this is not a database\n" * 100)


def _scrambled(catalog: Path) -> None:
    raw = bytearray(catalog.read_bytes())
    raw[4096:] = bytes(len(raw) - 4096)  # every page but the first zeroed
    catalog.write_bytes(bytes(raw))


@pytest.mark.parametrize("damage", [_truncate, _text, _scrambled], ids=lambda f: f.__name__)
def test_a_damaged_catalog_is_one_line_that_says_what_to_do(
    lake: Path, damage: Callable[[Path], None], capsys: pytest.CaptureFixture
):
    catalog = lake / "catalog.sqlite"
    damage(catalog)
    damaged, files = catalog.read_bytes(), _data_files(lake)
    err = _sql_error(capsys, lake)
    assert "is damaged" in err and "restore it from a backup" in err, err
    with pytest.raises(CatalogError, match="restore it from a backup"), Lake(lake).writer():
        pass
    assert catalog.read_bytes() == damaged and _data_files(lake) == files


def test_a_foreign_sqlite_file_is_not_taken_for_a_lake(lake: Path, capsys: pytest.CaptureFixture):
    catalog = lake / "catalog.sqlite"
    catalog.unlink()
    with sqlite3.connect(catalog) as con:
        con.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    err = _sql_error(capsys, lake)
    assert "not a lake's catalog" in err, err
    with pytest.raises(CatalogError, match="not a lake's catalog"), Lake(lake).writer():
        pass
    with sqlite3.connect(catalog) as con:  # no lake was started inside it
        tables = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("invoices",)]


@pytest.mark.parametrize("lost", ["missing", "empty"])
def test_a_lost_catalog_refuses_rather_than_start_a_new_lake_over_the_data(
    lake: Path, lost: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    """A writer used to start a new lake in an empty catalog, and its compaction then deleted
    every data file of the old one: the lake's data, gone."""
    catalog, files = lake / "catalog.sqlite", _data_files(lake)
    catalog.unlink()
    if lost == "empty":
        catalog.touch()
    with pytest.raises(CatalogError, match="the catalog was lost"), Lake(lake).writer() as w:
        maintain(w)  # what deleted the data files, once a new lake had been started
    assert "the catalog was lost" in _sql_error(capsys, lake)
    seeds = lake.parent / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\nThe council met on Monday in Leeds.\n")
    monkeypatch.setenv("CORPUS_MODEL", "blank:en")
    capsys.readouterr()
    assert corpus_main(["run", "--seeds", str(seeds), "--data", str(lake), "--maintain"]) == 1
    start, *rest = capsys.readouterr().err.splitlines()
    assert start.startswith("corpus: ") and len(rest) == 1, rest  # the run's first line, then
    assert rest[0].startswith("corpus run: ") and "the catalog was lost" in rest[0], rest
    assert _data_files(lake) == files
    assert catalog.stat().st_size == 0 if lost == "empty" else not catalog.exists()


def test_an_empty_catalog_and_no_data_files_is_a_new_lake(tmp_path: Path):
    """What a run killed in its first instant leaves: readers see no lake, a writer starts it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.sqlite").touch()
    with pytest.raises(NoLakeError):
        connect(data)
    with Lake(data).writer() as writer:
        assert "documents" in writer.tables()
    with connect(data) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (0,)


# Changes the catalog in a transaction big enough that SQLite writes pages to the file before
# the commit (its journal synced first), then dies: what a writer SIGKILLed mid-commit leaves.
KILLED_MID_COMMIT = """
import os, signal, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA cache_size = 10")
con.execute("BEGIN IMMEDIATE")
con.execute("DELETE FROM ducklake_data_file")
con.execute("CREATE TABLE scratch (x TEXT)")
con.executemany("INSERT INTO scratch VALUES (?)", [("x" * 500,) for _ in range(5000)])
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_reader_rolls_back_the_journal_of_a_writer_killed_mid_commit(lake: Path):
    catalog = lake / "catalog.sqlite"
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_COMMIT, str(catalog)], check=False)
    assert killed.returncode == -signal.SIGKILL
    journal = lake / "catalog.sqlite-journal"
    assert journal.stat().st_size > 0  # hot: read-only attaches failed on it
    with connect(lake) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (N_DOCS,)
    assert not journal.exists()
    with sqlite3.connect(catalog) as con:
        scratch = con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")
        assert scratch.fetchone() == (0,)

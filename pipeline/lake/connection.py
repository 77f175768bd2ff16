"""Connections: DuckDB with the lake's extensions loaded from their packages (never
downloaded), the lake attached as `lake` and selected, so tables have plain names.

A read-only connection (`connect`: users' SQL, notebooks, the explore commands) sees the lake
and nothing else on the machine: once the lake is attached, DuckDB may open only the lake's
data files (`allowed_directories`), nothing else (`enable_external_access = false`: no
read_text, read_csv, glob, COPY, ATTACH of other files, INSTALL or LOAD), and those settings
are locked. The sqlite extension the catalog needs ignores them; pipeline/lake/query.py
refuses its functions in users' queries.
"""

import importlib.util
import os
from pathlib import Path

import duckdb

from pipeline.lake.catalog import (
    DATA_SUBDIR,
    CatalogError,
    NoLakeError,
    catalog_path,
    check_catalog,
    roll_back_journal,
)
from pipeline.lake.sql import statement

# Extensions are loaded by path from their PyPI packages: nothing is ever downloaded.
EXTENSION_PACKAGES = {
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "ducklake": "duckdb_extension_ducklake",
}
OFFLINE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    # DuckDB takes 80% of RAM by default; the aggregates' joins spill to disk past this instead,
    # so the pipeline's memory stays flat as the corpus grows.
    "memory_limit": os.environ.get("CORPUS_DUCKDB_MEMORY", "1GB"),
}
NO_SNAPSHOT = "No snapshot found at version"  # DuckLake's error for a missing SNAPSHOT_VERSION
Connection = duckdb.DuckDBPyConnection
Error = duckdb.Error
# What SQLite says, through DuckLake, when a read-only attach meets a killed writer's journal.
HOT_JOURNAL = "attempt to write a readonly database"


class SnapshotError(NoLakeError):
    """The lake holds no snapshot of that id: maintenance expired it, or it was never made."""


def extension_path(name: str) -> Path:
    """The DuckDB extension binary shipped inside its PyPI package."""
    spec = importlib.util.find_spec(EXTENSION_PACKAGES[name])
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the package {EXTENSION_PACKAGES[name]} is not installed")
    found = sorted(Path(spec.origin).parent.glob(f"extensions/*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no {name}.duckdb_extension inside {EXTENSION_PACKAGES[name]}")
    return found[-1]


def duck(
    *extensions: str, database: str = ":memory:", read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never downloads anything, with the named extensions loaded."""
    con = duckdb.connect(database, read_only=read_only, config=OFFLINE_CONFIG)
    for name in extensions:
        con.load_extension(str(extension_path(name)))
    return con


def attach(
    data_dir: Path, *, read_only: bool, snapshot: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and selected (its catalog checked first,
    see pipeline/lake/catalog.py); with `snapshot`, the lake as it was at that snapshot
    (read-only)."""
    data_dir = Path(data_dir).resolve()
    check_catalog(data_dir, create=not read_only)
    data_dir.mkdir(parents=True, exist_ok=True)
    options = f"DATA_PATH {quote(data_path(data_dir))}, OVERRIDE_DATA_PATH true"
    if read_only:
        options += ", READ_ONLY"
    if snapshot is not None:
        options += f", SNAPSHOT_VERSION {_snapshot_id(snapshot)}"
    con = duck("sqlite_scanner", "ducklake")
    try:
        _attach_lake(con, data_dir, options, read_only=read_only)
    except duckdb.Error as error:
        con.close()
        if snapshot is not None and NO_SNAPSHOT in str(error):
            raise SnapshotError(_missing_snapshot(data_dir, snapshot)) from None
        raise _catalog_error(error, data_dir) from None
    con.execute("USE lake")
    return con


def _attach_lake(con: Connection, data_dir: Path, options: str, *, read_only: bool) -> None:
    # Data files are stored relative to the data path: naming it on every attach (in
    # `options`) keeps a lake readable after its folder is moved or copied.
    target = f"ATTACH {quote(f'ducklake:sqlite:{catalog_path(data_dir)}')} AS lake ({options})"
    try:
        con.execute(target)
    except duckdb.Error as error:
        if not (read_only and HOT_JOURNAL in str(error)):
            raise
        # a writer killed mid-commit between the check and the attach: roll back, once more
        roll_back_journal(catalog_path(data_dir))
        con.execute(target)


def _catalog_error(error: duckdb.Error, data_dir: Path) -> Exception:
    """SQLite's words for a damaged file, as the catalog check words them; else the error."""
    message = str(error)
    if "malformed" in message or "not a database" in message:
        return CatalogError(
            f"{catalog_path(data_dir)} is damaged ({message.strip().splitlines()[0]}): restore "
            f"it from a backup, or move {data_dir} away and run `corpus run` to rebuild the "
            "lake from the folder"
        )
    return error


def data_path(data_dir: Path) -> str:
    """The folder of the lake's data files, as DuckDB is told it (with a trailing slash)."""
    return str(Path(data_dir) / DATA_SUBDIR) + os.sep


def sandbox(con: Connection, data_dir: Path) -> None:
    """From now on this connection reads the lake's data files and nothing else on the
    machine, for good. Call it after everything is attached and loaded: the catalog and the
    extensions stay usable, new files and extensions do not."""
    con.execute(f"SET allowed_directories = [{quote(data_path(data_dir))}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _snapshot_id(snapshot: int) -> int:
    """A snapshot id as put into ATTACH (which takes no parameters): a whole number from 0."""
    if isinstance(snapshot, bool) or not isinstance(snapshot, int) or snapshot < 0:
        raise SnapshotError(f"a snapshot is a whole number from 0 on (got {snapshot!r})")
    return snapshot


def _missing_snapshot(data_dir: Path, wanted: int) -> str:
    """Why the lake has no snapshot `wanted`: ids count up from 0, so one below the latest
    existed and maintenance expired it (it keeps a day of them); one above was never made."""
    con = attach(data_dir, read_only=True)
    with con:
        kept = [row[0] for row in con.execute(statement("lake/snapshot_ids")).fetchall()]
    later = [snapshot for snapshot in kept if snapshot > wanted]
    if later:
        return f"snapshot {wanted} is gone: maintenance expired it (kept: from {min(later)} on)"
    return f"no snapshot {wanted}: the latest is {max(kept)} (`corpus snapshots` lists them)"


def quote(text: str) -> str:
    """A SQL string literal, for the statements that take no prepared parameters (ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


def connect(data_dir: Path | str = "data", at: int | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the lake, tables reachable by their plain names, that
    can read nothing else on the machine (see the module's docstring); `at`: the lake as it
    was at that snapshot (`corpus snapshots` lists them), or SnapshotError."""
    data_dir = Path(data_dir).resolve()
    con = attach(data_dir, read_only=True, snapshot=at)
    sandbox(con, data_dir)
    return con

"""Connections: DuckDB with the lake's extensions loaded from their packages (never
downloaded), the lake attached as `lake` and selected, so tables have plain names."""

import importlib.util
import os
from pathlib import Path

import duckdb

from pipeline.lake.sql import statement

CATALOG_FILE = "catalog.sqlite"
DATA_SUBDIR = "lake"
# Extensions are loaded by path from their PyPI packages: nothing is ever downloaded.
EXTENSION_PACKAGES = {
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "ducklake": "duckdb_extension_ducklake",
    "fts": "duckdb_extension_fts",
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


class NoLakeError(RuntimeError):
    """The data folder holds no lake yet."""


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


def catalog_path(data_dir: Path) -> Path:
    return Path(data_dir) / CATALOG_FILE


def attach(
    data_dir: Path, *, read_only: bool, snapshot: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and selected; with `snapshot`, the lake
    as it was at that snapshot (read-only)."""
    data_dir = Path(data_dir).resolve()
    if read_only and not catalog_path(data_dir).exists():
        raise NoLakeError(f"no data in {data_dir} yet: run `corpus run` first")
    data_dir.mkdir(parents=True, exist_ok=True)
    con = duck("sqlite_scanner", "ducklake")
    target = quote(f"ducklake:sqlite:{catalog_path(data_dir)}")
    # Data files are stored relative to the data path: naming it on every attach keeps a lake
    # readable after its folder is moved or copied.
    options = f"DATA_PATH {quote(str(data_dir / DATA_SUBDIR) + os.sep)}, OVERRIDE_DATA_PATH true"
    if read_only:
        options += ", READ_ONLY"
    if snapshot is not None:
        options += f", SNAPSHOT_VERSION {_snapshot_id(snapshot)}"
    try:
        con.execute(f"ATTACH {target} AS lake ({options})")
    except duckdb.InvalidInputException as error:
        con.close()
        if snapshot is None or NO_SNAPSHOT not in str(error):
            raise
        raise SnapshotError(_missing_snapshot(data_dir, snapshot)) from None
    con.execute("USE lake")
    return con


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
    """A read-only DuckDB connection to the lake, tables reachable by their plain names; `at`:
    the lake as it was at that snapshot (`corpus snapshots` lists them), or SnapshotError."""
    return attach(Path(data_dir), read_only=True, snapshot=at)

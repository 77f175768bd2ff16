"""Connections: DuckDB with the lake's extensions loaded from their packages (never
downloaded), the lake attached as `lake` and selected, so tables have plain names."""

import importlib.util
import os
from pathlib import Path

import duckdb

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
Connection = duckdb.DuckDBPyConnection
Error = duckdb.Error


class NoLakeError(RuntimeError):
    """The data folder holds no lake yet."""


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


def attach(data_dir: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and selected."""
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
    con.execute(f"ATTACH {target} AS lake ({options})")
    con.execute("USE lake")
    return con


def quote(text: str) -> str:
    """A SQL string literal, for the statements that take no prepared parameters (ATTACH)."""
    return "'" + text.replace("'", "''") + "'"


def connect(data_dir: Path | str = "data") -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the lake, tables reachable by their plain names."""
    return attach(Path(data_dir), read_only=True)

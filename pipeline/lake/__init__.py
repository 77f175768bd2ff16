"""The lake: one DuckLake (SQLite catalog + Parquet files) under the data folder.

This is the only module that knows where and how tables are stored. Writers hold an exclusive
file lock for the whole run, so a second writer refuses at the start instead of failing at
COMMIT; readers attach read-only and see the last committed snapshot. Every batch of files is
written in one transaction across every table, so no table is ever ahead of another.
"""

import fcntl
import importlib.util
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.schema import BASE_TABLES, DOCUMENT_TABLES

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
# What each document's derived rows are made from, for steps that re-derive only what moved.
DOCUMENT_SOURCES_SQL = SQL_DIR / "document_sources.sql"
CATALOG_FILE = "catalog.sqlite"
DATA_SUBDIR = "lake"
LOCK_FILE = ".writer.lock"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Runs inside a batch's transaction, given the doc_ids the batch wrote.
Derive = Callable[[duckdb.DuckDBPyConnection, list[str]], object]
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


class LakeBusyError(RuntimeError):
    """Another process is writing to the same data folder."""


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


def duck(*extensions: str, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never downloads anything, with the named extensions loaded."""
    con = duckdb.connect(database, config=OFFLINE_CONFIG)
    for name in extensions:
        con.execute(f"LOAD '{extension_path(name)}'")
    return con


def catalog_path(data_dir: Path) -> Path:
    return Path(data_dir) / CATALOG_FILE


def attach(data_dir: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection with the lake attached as `lake` and selected, so tables have plain names."""
    data_dir = Path(data_dir).resolve()
    if read_only and not catalog_path(data_dir).exists():
        raise NoLakeError(f"no data in {data_dir} yet: run `corpus run` first")
    data_dir.mkdir(parents=True, exist_ok=True)
    con = duck("sqlite_scanner", "ducklake")
    target = _quote(f"ducklake:sqlite:{catalog_path(data_dir)}")
    # Data files are stored relative to the data path: naming it on every attach keeps a lake
    # readable after its folder is moved or copied.
    options = f"DATA_PATH {_quote(str(data_dir / DATA_SUBDIR) + os.sep)}, OVERRIDE_DATA_PATH true"
    if read_only:
        options += ", READ_ONLY"
    con.execute(f"ATTACH {target} AS lake ({options})")
    con.execute("USE lake")
    return con


def _quote(text: str) -> str:
    """A SQL string literal; ATTACH takes no prepared parameters."""
    return "'" + text.replace("'", "''") + "'"


def connect(data_dir: Path | str = "data") -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the lake, tables reachable by their plain names."""
    return attach(Path(data_dir), read_only=True)


# Data folders whose writer lock this process holds, each with the writer's connection once
# one is open: attaching the lake loads two extensions (~0.2 s), so the assets of one
# `corpus run` share a single connection instead of attaching five times.
_HELD: dict[Path, list[duckdb.DuckDBPyConnection]] = {}


@contextmanager
def writer_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's exclusive writer lock, or refuse at once. Re-entrant within a
    process: `corpus run` holds it for the whole run and the assets inside take it again.
    The writer's connection, if one was opened inside, is closed when the lock is released."""
    data_dir = Path(data_dir).resolve()
    if data_dir in _HELD:
        yield
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LakeBusyError(
                f"another `corpus run` is writing to {data_dir}; "
                "wait for it to finish (readers such as `corpus sql` keep working)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _HELD[data_dir] = []
        try:
            yield
        finally:
            for con in _HELD.pop(data_dir):
                con.close()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def open_writer(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The single writer's connection: lock held, lake attached, base tables present. Inside
    an outer `writer_lock` every caller gets the same connection, open until that lock ends."""
    with writer_lock(data_dir):
        kept = _HELD[Path(data_dir).resolve()]
        if not kept:
            con = attach(data_dir, read_only=False)
            # a run prints its own progress; DuckDB's bar would cut into it on long statements
            con.execute("SET enable_progress_bar = false")
            kept.append(con)
            ensure_tables(con)
        yield kept[0]


@contextmanager
def reader(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that sees the last committed snapshot: the writer's own when this process
    holds the lake open (between its transactions), else a new read-only one."""
    kept = _HELD.get(Path(data_dir).resolve())
    if kept:
        yield kept[0]
        return
    with connect(data_dir) as con:
        yield con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One DuckLake commit (one snapshot) for everything done inside, or nothing at all."""
    con.execute("BEGIN")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def single_threaded(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread inside, its setting restored after. For batch commits made while
    the cores parse: each is small, and a second DuckDB thread cost them ~60% more CPU and
    some wall time too (1,600 BBC documents in commits of 200: 3.9 s of CPU vs 2.4 s)."""
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {threads}")


def ensure_tables(
    con: duckdb.DuckDBPyConnection, tables: Mapping[str, pa.Schema] = BASE_TABLES
) -> None:
    """Create the tables that are missing (the base tables by default), in one transaction
    (one catalog commit)."""
    present = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    missing = {name: s for name, s in tables.items() if name not in present}
    if not missing:
        return
    with transaction(con):
        for name, schema in missing.items():
            con.register("empty", schema.empty_table())
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM empty WITH NO DATA")
            con.unregister("empty")


@dataclass(frozen=True, slots=True)
class FileState:
    """What the lake remembers of one file: a row of `files`."""

    doc_id: str
    shard: int
    n_bytes: int
    mtime_ns: int
    content_sha256: str
    status: str
    code_version: str
    first_seen: datetime


def file_states(con: duckdb.DuckDBPyConnection, shards: Iterable[int]) -> dict[str, FileState]:
    rows = con.execute(
        "SELECT doc_id, shard, n_bytes, mtime_ns, content_sha256, status, code_version, "
        "first_seen FROM files WHERE shard = ANY($shards)",
        {"shards": sorted(shards)},
    ).fetchall()
    return {row[0]: FileState(*row) for row in rows}


def write_batch(
    con: duckdb.DuckDBPyConnection,
    batch_id: str,
    tables: Mapping[str, pa.Table],
    *,
    derive: Derive | None = None,
) -> bool:
    """Replace the rows of the batch's documents in every table, in one transaction.

    `tables` holds a table for each of DOCUMENT_TABLES and `files`; `derive`, if given, runs
    in the same transaction after them with the batch's doc_ids (rows kept per document,
    derived from the new ones).
    Returns False when a batch with this id was committed before (a retried delivery), in
    which case nothing is written.
    """
    ids = pa.table({"doc_id": tables["files"].column("doc_id")})
    # Checked before the transaction: the writer lock makes this process the only writer.
    if con.execute("SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]).fetchone():
        return False
    with transaction(con):
        _delete_ids(con, _known(con, ids))
        for name in (*DOCUMENT_TABLES, "files"):
            insert_rows(con, name, tables[name])
        stamp = pa.table(
            {"batch_id": [batch_id], "n_docs": [ids.num_rows], "committed_at": [_now()]},
            schema=BASE_TABLES["batches"],
        )
        insert_rows(con, "batches", stamp)
        if derive is not None:
            derive(con, ids.column("doc_id").to_pylist())
    return True


def delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: Iterable[str]) -> int:
    """Remove every row of these documents, `files` included, in one transaction."""
    ids = pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())})
    if ids.num_rows == 0:
        return 0
    with transaction(con):
        _delete_ids(con, ids)
    return ids.num_rows


def touch_files(con: duckdb.DuckDBPyConnection, rows: pa.Table) -> None:
    """Record a new stat for files whose content did not change (no other table moves)."""
    if rows.num_rows == 0:
        return
    con.register("touched", rows)
    try:
        con.execute(
            "UPDATE files SET n_bytes = t.n_bytes, mtime_ns = t.mtime_ns "
            "FROM touched t WHERE files.doc_id = t.doc_id"
        )
    finally:
        con.unregister("touched")


def _known(con: duckdb.DuckDBPyConnection, ids: pa.Table) -> pa.Table:
    """The ids that already have rows (a `files` row, written in the same transaction as the
    rest): only those need deleting, and new files skip a scan of every table."""
    con.register("candidate_ids", ids)
    try:
        return con.execute(
            "SELECT doc_id FROM files WHERE doc_id IN (SELECT doc_id FROM candidate_ids)"
        ).fetch_arrow_table()
    finally:
        con.unregister("candidate_ids")


def _delete_ids(con: duckdb.DuckDBPyConnection, ids: pa.Table) -> None:
    if ids.num_rows == 0:
        return
    con.register("batch_ids", ids)
    try:
        for name in (*DOCUMENT_TABLES, "files"):
            con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM batch_ids)")
    finally:
        con.unregister("batch_ids")


def insert_rows(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Append an Arrow table's rows to a lake table by column name (nothing if it is empty)."""
    if table.num_rows == 0:
        return
    view = f"new_{name}"
    con.register(view, table)
    try:
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _now() -> datetime:
    return datetime.now(UTC)


def fingerprint(con: duckdb.DuckDBPyConnection, code_version: str) -> str:
    """What derived tables depend on: every file's content and code version, and their own."""
    row = con.execute(
        "SELECT md5(coalesce(string_agg(doc_id || ':' || content_sha256 || ':' || code_version, "
        "'|' ORDER BY doc_id), '')) FROM files"
    ).fetchone()
    return f"{row[0]}:{code_version}"


def is_up_to_date(con: duckdb.DuckDBPyConnection, name: str, stamp: str) -> bool:
    row = con.execute("SELECT fingerprint FROM derived_state WHERE name = ?", [name]).fetchone()
    return row is not None and row[0] == stamp


def record_state(con: duckdb.DuckDBPyConnection, name: str, stamp: str) -> None:
    """Remember what `name` was computed from; call inside the transaction that wrote it."""
    con.execute("DELETE FROM derived_state WHERE name = ?", [name])
    con.execute("INSERT INTO derived_state VALUES (?, ?, ?)", [name, stamp, _now()])


def replace_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    *,
    state: tuple[str, str] | None = None,
) -> None:
    """Replace derived tables whole (e.g. text reuse), together in one transaction."""
    for name in tables:
        if not IDENTIFIER.match(name):
            raise ValueError(f"not a table name: {name!r}")
    with transaction(con):
        for name, table in tables.items():
            con.register("replacement", table)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM replacement")
            con.unregister("replacement")
        if state is not None:
            record_state(con, *state)


# DuckLake keeps its catalog as plain SQL tables, attached as __ducklake_metadata_<name>; a live
# data file is one no snapshot has ended. One catalog query (~5 ms) instead of one
# ducklake_list_files call per table (0.25-0.7 s), so every run can afford to look.
LIVE_DATA_FILES = (
    "SELECT count(*) FROM __ducklake_metadata_lake.ducklake_data_file WHERE end_snapshot IS NULL"
)


def count_data_files(con: duckdb.DuckDBPyConnection) -> int:
    """Parquet files the current snapshot reads, over every table."""
    return con.execute(LIVE_DATA_FILES).fetchone()[0]


MAINTENANCE = (
    # Small commits are inlined in the catalog; move them to Parquet first.
    "CALL ducklake_flush_inlined_data('lake')",
    # Many small Parquet files slow every scan: merge neighbours.
    "CALL ducklake_merge_adjacent_files('lake')",
    # Old snapshots pin old files; keep a day of time travel.
    "CALL ducklake_expire_snapshots('lake', older_than => now() - INTERVAL '1 day')",
    "CALL ducklake_cleanup_old_files('lake', cleanup_all => true)",
    # A killed write can leave Parquet files that no snapshot names.
    "CALL ducklake_delete_orphaned_files('lake', cleanup_all => true)",
)


def maintain(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Compact the lake; only ever called by the writer that holds the lock."""
    before = count_data_files(con)
    for statement in MAINTENANCE:
        con.execute(statement)
    return {"data_files_before": before, "data_files_after": count_data_files(con)}

"""The lake's catalog file (DATA/catalog.sqlite), checked before DuckLake attaches it.

DuckLake misreads a damaged catalog in ways that hide the cause, and one of them loses data: a
writer given an empty or foreign SQLite file silently starts a new lake inside it, and the next
compaction (`ducklake_delete_orphaned_files`) then deletes every data file of the old lake,
which the new catalog does not know. So a catalog is checked first (header, size, SQLite's own
quick check, DuckLake's tables) and every problem is one line that says what to do.

A writer killed mid-commit can also leave a hot rollback journal beside the catalog; SQLite
rolls it back on the next read-write open, but read-only attaches fail on it ("attempt to
write a readonly database") until then, so a reader rolls it back first.
"""

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

CATALOG_FILE = "catalog.sqlite"
DATA_SUBDIR = "lake"
SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_BYTES = 100
# A few of the tables DuckLake creates in its catalog: a SQLite file without them is not one.
DUCKLAKE_TABLES = frozenset(
    {"ducklake_metadata", "ducklake_snapshot", "ducklake_table", "ducklake_data_file"}
)
BUSY_SECONDS = 30.0  # a writer's commit holds the catalog's lock for milliseconds


class NoLakeError(RuntimeError):
    """The data folder holds no lake yet."""


class CatalogError(RuntimeError):
    """The catalog is missing, damaged or not a lake's; the message says what to do."""


def catalog_path(data_dir: Path) -> Path:
    return Path(data_dir) / CATALOG_FILE


def check_catalog(data_dir: Path, *, create: bool) -> None:
    """Refuse a catalog DuckLake would misread. A missing or empty one (no file, no bytes, or
    a SQLite file without a table yet) is a new lake for a writer (`create`) and no lake yet
    for a reader, unless the data folder holds data files: then the catalog was lost."""
    path = catalog_path(data_dir)
    tables: set[str] = set()
    if path.exists() and path.stat().st_size > 0:
        roll_back_journal(path)
        problem, tables = _inspect(path)
        if problem is not None:
            raise CatalogError(
                f"{path} is damaged ({problem}): restore it from a backup, or move {data_dir} "
                "away and run `corpus run` to rebuild the lake from the folder"
            )
    if tables and not tables & DUCKLAKE_TABLES:
        raise CatalogError(
            f"{path} is a SQLite database but not a lake's catalog (it has no DuckLake "
            "tables): put the lake's own catalog.sqlite back, or use another --data folder"
        )
    if tables:
        return
    if has_data_files(data_dir):
        raise CatalogError(
            f"{path} is {'empty' if path.exists() else 'missing'} but "
            f"{Path(data_dir) / DATA_SUBDIR} holds the lake's data files: the catalog was "
            "lost. Restore catalog.sqlite from a backup (a new catalog would not know these "
            f"files, and compaction would delete them), or move {data_dir} away and run "
            "`corpus run` to rebuild the lake from the folder"
        )
    if not create:
        raise NoLakeError(f"no data in {data_dir} yet: run `corpus run` first")


def has_data_files(data_dir: Path) -> bool:
    folder = Path(data_dir) / DATA_SUBDIR
    return folder.is_dir() and next(folder.rglob("*.parquet"), None) is not None


def _inspect(path: Path) -> tuple[str | None, set[str]]:
    """What is wrong with the file as a SQLite database (or None), and its tables. The size
    is compared with the header under SQLite's shared lock: a writer's commit may have
    written the new header but not yet the pages that grow the file."""
    header = _header(path)
    if not header.startswith(SQLITE_HEADER):
        return f"it is not a SQLite database: it starts with {header[:16]!r}", set()
    try:
        with _opened(path, read_only=True) as con:
            con.execute("BEGIN")
            rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            size, expected = path.stat().st_size, _size_in_header(_header(path))
            if expected is not None and size < expected:
                return f"truncated: {size:,} bytes where its header says {expected:,}", set()
            verdict = con.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error), set()
    return (None if verdict == "ok" else verdict), {name for (name,) in rows}


def _header(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEADER_BYTES)


def _size_in_header(header: bytes) -> int | None:
    """Page size x page count, from the header, when the header vouches for its page count
    (the change counter at offset 24 equals the version-valid-for number at 92)."""
    if len(header) < HEADER_BYTES:
        return None
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (pages,) = struct.unpack(">I", header[28:32])
    if pages == 0 or header[24:28] != header[92:96]:
        return None
    return page_size * pages


def roll_back_journal(path: Path) -> None:
    """Roll back the hot journal a killed writer left, if any: SQLite does it on a read-write
    open. Safe while a writer works: a journal a live writer holds is not hot, and is left."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or journal.stat().st_size == 0:
        return
    try:
        with _opened(path, read_only=False) as con:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        return  # e.g. no write permission: the attach reports what remains


def _opened(path: Path, *, read_only: bool) -> closing[sqlite3.Connection]:
    """A plain sqlite3 connection to the catalog (transactions as stated), closed after."""
    uri = f"{Path(path).resolve().as_uri()}?mode={'ro' if read_only else 'rw'}"
    return closing(sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS, isolation_level=None))

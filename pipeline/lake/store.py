"""The lake under one data folder: readers that see a committed snapshot, and one writer.

A writer holds the folder's writer lock (pipeline/lake/lock.py), so a second writer refuses
(or waits) at the start instead of failing at COMMIT; readers attach read-only and never
wait. `Lake.hold()`
keeps the lock and one writer connection across many `writer()` blocks: the steps of one
`corpus run` share it (attaching loads two extensions, ~0.2 s). That state lives in the
`Lake` object, which the command line hands to the Dagster assets as a resource.

Every commit is one DuckLake snapshot, and the writer records with it what it did (DuckLake's
commit message: author `corpus`, a message, and as extra info a JSON object with the code
version and the files added, changed and deleted): `corpus snapshots` lists them.
"""

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa

from pipeline.lake.catalog import DATA_SUBDIR, catalog_path
from pipeline.lake.connection import Connection, Error, attach, connect
from pipeline.lake.lock import writer_lock
from pipeline.lake.space import full_disk
from pipeline.lake.sql import compose, for_table, statement
from pipeline.schema import AGGREGATE_TABLES, BASE_TABLES
from pipeline.versions import code_version

Params = Mapping[str, object] | list | None
COMMIT_AUTHOR = "corpus"
# DuckDB's names for the types of our declared columns, the only text put in an ADD COLUMN
COLUMN_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*$")


@dataclass(frozen=True, slots=True)
class Stamp:
    """Which state of the lake a figure comes from: the snapshot a reader sees, and the code
    versions that made its files' rows (one after a complete run)."""

    snapshot: int | None  # None: not a DuckLake (a plain DuckDB database in tests)
    code_versions: tuple[str, ...]

    def describe(self) -> str:
        """As the run summary and the report say it: `snapshot 12, code version clean-…`."""
        versions = ", ".join(self.code_versions) or "none (no file yet)"
        label = "code version" if len(self.code_versions) <= 1 else "code versions"
        where = "no snapshot" if self.snapshot is None else f"snapshot {self.snapshot}"
        return f"{where}, {label} {versions}"


Waiting = Callable[[str], None] | None


class LakeReader:
    """A connection to the lake that sees one committed snapshot; statements by name."""

    def __init__(self, con: Connection) -> None:
        self.con = con

    def rows(self, name: str, params: Params = None) -> list[tuple]:
        """The rows of the statement sql/<name>.sql."""
        return self.con.execute(statement(name), params).fetchall()

    def row(self, name: str, params: Params = None) -> tuple | None:
        return self.con.execute(statement(name), params).fetchone()

    def arrow(self, name: str, params: Params = None) -> pa.Table:
        return self.con.execute(statement(name), params).fetch_arrow_table()

    def frame(self, name: str, params: Params = None) -> pl.DataFrame:
        return self.con.execute(statement(name), params).pl()

    def render(self, name: str) -> str:
        """The result of sql/<name>.sql as DuckDB prints a table (a box of aligned columns)."""
        return str(self.con.sql(statement(name)))

    def tables(self) -> set[str]:
        return {row[0] for row in self.rows("lake/tables")}

    def count(self, table: str) -> int:
        return self.con.execute(for_table("lake/row_count", table)).fetchone()[0]

    def stamp(self) -> Stamp:
        """The snapshot this connection sees and the code versions of its `files` rows."""
        snapshot = None
        if self.row("lake/database_type")[0] == "ducklake":
            snapshot = self.row("lake/current_snapshot")[0]
        versions = tuple(row[0] for row in self.rows("lake/code_versions"))
        return Stamp(snapshot, versions)


class LakeWriter(LakeReader):
    """The single writer's connection (its lock held): statements that change the lake.
    With a `code_version`, every commit records what it did (see the module docstring);
    `data_dir` names the disks a failed write is checked against (pipeline/lake/space.py)."""

    def __init__(
        self, con: Connection, data_dir: Path | None = None, *, code_version: str | None = None
    ) -> None:
        super().__init__(con)
        self.code_version = code_version
        self._places = [] if data_dir is None else [data_dir / DATA_SUBDIR, catalog_path(data_dir)]

    def execute(self, name: str, params: Params = None, **tables: str) -> None:
        """Run sql/<name>.sql; `tables` fill in its `{table}`-style names."""
        text = for_table(name, **tables) if tables else statement(name)
        self.con.execute(text, params)

    @contextmanager
    def transaction(self, what: str | None = None) -> Iterator[None]:
        """One DuckLake commit (one snapshot) for everything done inside, or nothing at all;
        `what` it did is recorded with it (`describe` inside says more). A failure for want of
        disk space is a DiskFullError. A failed COMMIT is not retried: DuckLake has ended the
        transaction by then, and the catalog is as before it."""
        self.con.execute("BEGIN")
        try:
            self.describe(what)
            yield
        except BaseException as error:
            with suppress(Error):  # a failed write may have ended the transaction already
                self.con.execute("ROLLBACK")
            self._raise_if_disk_full(error)
            raise
        try:
            self.con.execute("COMMIT")
        except Error as error:
            self._raise_if_disk_full(error)
            raise

    def _raise_if_disk_full(self, error: BaseException) -> None:
        if isinstance(error, (Error, OSError)):
            full = full_disk(error, self._places)
            if full is not None:
                raise full from None  # its message says all; the cause would hide it

    def describe(
        self, what: str | None, *, added: int = 0, changed: int = 0, deleted: int = 0
    ) -> None:
        """Record with the open transaction's snapshot what it does: a message, the code
        version, and the files it adds, changes (rows rewritten) and deletes. The last call
        in a transaction wins. Nothing without a code version (not the lake's writer)."""
        if self.code_version is None:
            return
        info = {
            "code_version": self.code_version,
            "files_added": added,
            "files_changed": changed,
            "files_deleted": deleted,
        }
        self.execute("lake/commit_message", [COMMIT_AUTHOR, what, json.dumps(info)])

    @contextmanager
    def single_threaded(self) -> Iterator[None]:
        """DuckDB on one thread inside, its setting restored after. For batch commits made
        while the cores parse: each is small, and a second DuckDB thread cost them ~60% more
        CPU and some wall time too (1,600 BBC documents in commits of 200: 3.9 s vs 2.4 s)."""
        threads = int(self.con.execute("SELECT current_setting('threads')").fetchone()[0])
        self.con.execute("SET threads = 1")
        try:
            yield
        except BaseException:
            with suppress(Error):  # a connection broken by the failure must not hide it
                self.con.execute(f"SET threads = {threads}")
            raise
        self.con.execute(f"SET threads = {threads}")

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[str]:
        """An Arrow table visible to SQL under `name` for the duration."""
        self.con.register(name, table)
        try:
            yield name
        except BaseException:
            with suppress(Error):  # a connection broken by the failure must not hide it
                self.con.unregister(name)
            raise
        self.con.unregister(name)

    def from_query(self, form: str, table: str, query: str, params: Params = None) -> None:
        """Run one of the lake/*_as / insert_query forms with sql/<query>.sql as its query:
        a table made from it, or its rows appended to `table`."""
        self.con.execute(compose(form, statement(query), table=table), params)

    def run(self, text: str, params: Params = None) -> None:
        """A statement already composed from sql/ (see lake/sql.py `compose` and `fill`)."""
        self.con.execute(text, params)

    def insert(self, table: str, rows: pa.Table) -> None:
        """Append an Arrow table's rows to a lake table by column name (nothing if empty)."""
        if rows.num_rows == 0:
            return
        with self.registered(f"new_{table}", rows) as view:
            self.execute("lake/insert_rows", table=table, view=view)

    def ensure_tables(self, tables: Mapping[str, pa.Schema] = BASE_TABLES) -> None:
        """Create the tables that are missing and add the declared columns a table made by an
        older version lacks (null in its rows until rewritten), in one transaction."""
        present = self.tables()
        missing = {name: s for name, s in tables.items() if name not in present}
        columns = self._missing_columns({n: s for n, s in tables.items() if n in present})
        if not missing and not columns:
            return
        with self.transaction("create tables" if missing else "add columns"):
            for name, schema in missing.items():
                with self.registered("empty", schema.empty_table()):
                    self.execute("lake/create_table", table=name)
            for table, column, kind in columns:
                if not COLUMN_TYPE.match(kind):
                    raise ValueError(f"cannot add {table}.{column} of type {kind}")
                text = for_table("lake/add_column", table, column=column)
                self.con.execute(text.replace("{type}", kind))

    def _missing_columns(self, tables: Mapping[str, pa.Schema]) -> list[tuple[str, str, str]]:
        """(table, column, DuckDB type) of each declared column the table lacks."""
        present: dict[str, set[str]] = {}
        for table, name, _ in self.rows("lake/columns"):
            present.setdefault(table, set()).add(name)
        found = []
        for table, schema in tables.items():
            if set(schema.names) <= present.get(table, set()):
                continue
            relation = self.con.from_arrow(schema.empty_table())
            for name, kind in zip(relation.columns, map(str, relation.dtypes), strict=True):
                if name not in present.get(table, set()):
                    found.append((table, name, kind))
        return found

    def replace_tables(
        self, tables: Mapping[str, pa.Table], *, state: tuple[str, str] | None = None
    ) -> None:
        """Replace derived tables whole, together in one transaction (recording `state`)."""
        with self.transaction(f"replace {', '.join(tables)}"):
            for name, rows in tables.items():
                with self.registered("replacement", rows):
                    self.execute("lake/replace_table", table=name)
            if state is not None:
                self.record_state(*state)

    def files_fingerprint(self, code_version: str) -> str:
        """What derived tables depend on: every file's content and code version, and theirs."""
        return f"{self.row('lake/files_fingerprint')[0]}:{code_version}"

    def is_up_to_date(self, name: str, stamp: str) -> bool:
        row = self.row("lake/derived_state", [name])
        return row is not None and row[0] == stamp

    def record_state(self, name: str, stamp: str) -> None:
        """Remember what `name` was computed from; call inside the transaction that wrote it."""
        self.execute("lake/forget_derived_state", [name])
        self.execute("lake/record_derived_state", [name, stamp, datetime.now(UTC)])


class Lake:
    """The lake under a data folder: read-only readers at any time, one writer at a time.
    `holder` says who writes, to the one the lock turns away; `wait_seconds` is how long a
    writer waits for the lock before it gives up (0: it refuses at once)."""

    def __init__(
        self, data_dir: Path | str, *, holder: str = "a writer", wait_seconds: float = 0.0
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.holder = holder
        self.wait_seconds = wait_seconds
        self._held = False
        self._writer: LakeWriter | None = None

    @contextmanager
    def hold(self, waiting: Waiting = None) -> Iterator[None]:
        """Hold the writer lock until the end of the block (LakeBusyError if another process
        has it, at once or after `wait_seconds`, telling `waiting` meanwhile); `writer()`
        inside shares one connection, closed when the block ends."""
        if self._held:
            yield
            return
        lock = writer_lock(
            self.data_dir, self.holder, wait_seconds=self.wait_seconds, waiting=waiting
        )
        with lock:
            self._held = True
            try:
                yield
            finally:
                self._held = False
                if self._writer is not None:
                    self._writer.con.close()
                    self._writer = None

    @contextmanager
    def writer(self, waiting: Waiting = None) -> Iterator[LakeWriter]:
        """The single writer's connection: lock held, lake attached, base tables present."""
        with self.hold(waiting):
            if self._writer is None:
                con = attach(self.data_dir, read_only=False)
                # a run prints its own progress; DuckDB's bar would cut into it
                con.execute("SET enable_progress_bar = false")
                self._writer = LakeWriter(con, self.data_dir, code_version=code_version())
                self._writer.ensure_tables({**BASE_TABLES, **AGGREGATE_TABLES})
            yield self._writer

    @contextmanager
    def reader(self) -> Iterator[LakeReader]:
        """A connection that sees the last committed snapshot: the writer's own when this
        object holds the lake open (between its transactions), else a new read-only one."""
        if self._writer is not None:
            yield self._writer
            return
        con = connect(self.data_dir)
        try:
            yield LakeReader(con)
        finally:
            con.close()


def missing_columns(reader: LakeReader, declared: Mapping[str, pa.Schema]) -> list[str]:
    """Columns of the declared Arrow schemas that a table lacks or holds under another type."""
    present: dict[str, dict[str, str]] = {}
    for table, name, kind in reader.rows("lake/columns"):
        present.setdefault(table, {})[name] = kind
    problems = []
    for table, schema in declared.items():
        # DuckDB's own names for the declared types: a relation over an empty Arrow table
        # (registering it as a view and describing that cost ~40 ms a table on a lake)
        relation = reader.con.from_arrow(schema.empty_table())
        names = zip(relation.columns, map(str, relation.dtypes), strict=True)
        have = present.get(table, {})
        problems += [f"{table}.{name} {kind}" for name, kind in names if have.get(name) != kind]
    return problems

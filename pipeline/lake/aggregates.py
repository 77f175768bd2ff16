"""The aggregate tables: one SELECT per file in sql/aggregates/, the table named after it, all
recomputed together in one transaction.

Most are one pass over the per-document tables. Collocations need every pair of content
lemmas within a span, a self-join of the tokens that took 1.9 of the pass's 3.7 s on 8,900
documents; so each document's pairs and lemma counts are kept (`collocation_pairs`,
`collocation_lemmas`, derived by sql/collocations/), re-derived only for the documents whose
source moved (new, changed, re-annotated, or that SQL edited) and dropped with documents that
are gone, and `collocations.sql` sums them. A run derives them in each batch's commit (the
corpus asset passes `update_collocation_counts` to the sync); the aggregate pass catches the rest.
"""

import hashlib
from pathlib import Path

import duckdb

from pipeline.lake import (
    DOCUMENT_SOURCES_SQL,
    IDENTIFIER,
    SQL_DIR,
    ensure_tables,
    record_state,
    transaction,
)
from pipeline.schema import COLLOCATION_TABLES

AGGREGATES_DIR = SQL_DIR / "aggregates"
COLLOCATIONS_DIR = SQL_DIR / "collocations"
CONTENT_TABLE = "collocation_content"  # temporary: the content tokens of the documents to derive
STORED_SOURCES = (
    "SELECT doc_id, source FROM collocation_sources "
    "WHERE $1::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($1::VARCHAR[]))"
)


def aggregate_files() -> list[Path]:
    """The aggregate tables: one SELECT per file in sql/aggregates/, the table named after it."""
    files = sorted(AGGREGATES_DIR.glob("*.sql"))
    for path in files:
        if not IDENTIFIER.match(path.stem):
            raise ValueError(f"{path.name}: an aggregate's file name must be a plain identifier")
    return files


def sql_version(files: list[Path] | None = None) -> str:
    """A hash of SQL files: by default every file the aggregate tables come from."""
    files = [*aggregate_files(), *_collocation_files()] if files is None else files
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:10]


def table_version(path: Path) -> str:
    """The code version of one aggregate table: its SQL, and what that SQL reads."""
    return sql_version([path, *_collocation_files()] if path.stem == "collocations" else [path])


def _collocation_files() -> list[Path]:
    return sorted(COLLOCATIONS_DIR.glob("*.sql"))


def refresh_aggregates(
    con: duckdb.DuckDBPyConnection, *, state: tuple[str, str] | None = None
) -> dict[str, int]:
    """Recompute every aggregate table from the per-document tables, in one transaction
    (recording `state`, a (name, fingerprint) pair, in the same transaction). Returns the
    row count of each, and under `collocation_documents` how many documents were derived."""
    ensure_tables(con, COLLOCATION_TABLES)
    with transaction(con):
        counts = {"collocation_documents": update_collocation_counts(con)}
        for path in aggregate_files():
            query = path.read_text().strip().rstrip(";")
            con.execute(f"CREATE OR REPLACE TABLE {path.stem} AS {query}")
            counts[path.stem] = con.execute(f"SELECT count(*) FROM {path.stem}").fetchone()[0]
        if state is not None:
            record_state(con, *state)
    return counts


def update_collocation_counts(
    con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None = None
) -> int:
    """Bring the per-document collocation counts up to date with the documents; returns how
    many documents were derived afresh. Runs inside the caller's transaction.

    `doc_ids` limits the pass to those documents (a batch's commit: the ones it wrote), so a
    commit's cost does not grow with the lake; None looks at every document and also drops
    the counts of documents that are gone (the aggregate pass)."""
    version = sql_version(_collocation_files())
    current = dict(con.execute(DOCUMENT_SOURCES_SQL.read_text(), [version, doc_ids]).fetchall())
    stored = dict(con.execute(STORED_SOURCES, [doc_ids]).fetchall())
    focus = sorted(doc_id for doc_id, source in current.items() if stored.get(doc_id) != source)
    stale = sorted(doc_id for doc_id, source in stored.items() if current.get(doc_id) != source)
    if stale:
        con.execute("DELETE FROM collocation_sources WHERE doc_id IN (SELECT unnest($1))", [stale])
        for table in ("collocation_pairs", "collocation_lemmas"):
            con.execute(f"DELETE FROM {table} WHERE doc IN (SELECT hash(unnest($1)))", [stale])
    if focus:
        query = (COLLOCATIONS_DIR / "content.sql").read_text()
        con.execute(f"CREATE OR REPLACE TEMP TABLE {CONTENT_TABLE} AS {query}", [focus])
        for table, name in (("collocation_pairs", "pairs"), ("collocation_lemmas", "lemmas")):
            query = (COLLOCATIONS_DIR / f"document_{name}.sql").read_text()
            con.execute(f"INSERT INTO {table} BY NAME {query}")
        con.execute(f"DROP TABLE {CONTENT_TABLE}")
        con.execute(
            "INSERT INTO collocation_sources SELECT unnest($1), unnest($2)",
            [focus, [current[doc_id] for doc_id in focus]],
        )
    return len(focus)

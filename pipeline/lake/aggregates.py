"""The aggregate tables: one SELECT per file in sql/aggregates/, the table named after it, all
recomputed together in one transaction.

Most are one pass over the per-document tables. Collocations need every pair of content
lemmas within a span, a self-join of the tokens that took 1.9 of the pass's 3.7 s on 8,900
documents; so each document's pairs and lemma counts are kept (`collocation_pairs`,
`collocation_lemmas`, derived by sql/collocations/), re-derived only for the documents whose
source moved (new, changed, re-annotated, or that SQL edited) and dropped with documents that
are gone, and `collocations.sql` sums them. Each batch's commit derives them for its own
documents (`write_batch`); the aggregate pass catches the rest.
"""

import hashlib
from pathlib import Path

from pipeline.lake.sql import IDENTIFIER, SQL_DIR
from pipeline.lake.store import LakeWriter

AGGREGATES_DIR = SQL_DIR / "aggregates"
COLLOCATIONS_DIR = SQL_DIR / "collocations"
CONTENT_TABLE = "collocation_content"  # temporary: the content tokens of the documents to derive
COUNT_TABLES = ("collocation_pairs", "collocation_lemmas")


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


def refresh_aggregates(lake: LakeWriter, *, state: tuple[str, str] | None = None) -> dict[str, int]:
    """Recompute every aggregate table from the per-document tables, in one transaction
    (recording `state`, a (name, fingerprint) pair, in the same transaction). Returns the
    row count of each, and under `collocation_documents` how many documents were derived."""
    with lake.transaction():
        counts = {"collocation_documents": update_collocation_counts(lake)}
        for path in aggregate_files():
            lake.from_query("lake/create_table_as", path.stem, f"aggregates/{path.stem}")
            counts[path.stem] = lake.count(path.stem)
        if state is not None:
            lake.record_state(*state)
    return counts


def update_collocation_counts(lake: LakeWriter, doc_ids: list[str] | None = None) -> int:
    """Bring the per-document collocation counts up to date with the documents; returns how
    many documents were derived afresh. Runs inside the caller's transaction.

    `doc_ids` limits the pass to those documents (a batch's commit: the ones it wrote), so a
    commit's cost does not grow with the lake; None looks at every document and also drops
    the counts of documents that are gone (the aggregate pass)."""
    version = sql_version(_collocation_files())
    current = dict(lake.rows("lake/document_sources", [version, doc_ids]))
    stored = dict(lake.rows("collocations/stored_sources", [doc_ids]))
    focus = sorted(doc_id for doc_id, source in current.items() if stored.get(doc_id) != source)
    stale = sorted(doc_id for doc_id, source in stored.items() if current.get(doc_id) != source)
    if stale:
        lake.execute("collocations/forget_sources", [stale])
        for table in COUNT_TABLES:
            lake.execute("collocations/forget_counts", [stale], table=table)
    if focus:
        lake.from_query("lake/create_temp_table_as", CONTENT_TABLE, "collocations/content", [focus])
        lake.from_query("lake/insert_query", "collocation_pairs", "collocations/document_pairs")
        lake.from_query("lake/insert_query", "collocation_lemmas", "collocations/document_lemmas")
        lake.execute("collocations/drop_content")
        sources = [current[doc_id] for doc_id in focus]
        lake.execute("collocations/record_sources", [focus, sources])
    return len(focus)

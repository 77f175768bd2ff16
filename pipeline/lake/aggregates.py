"""The aggregate tables, kept by difference: each batch's commit adds its documents'
contributions and takes away those of the documents it replaces, in the same transaction, so
every snapshot's aggregates agree with its documents and a run's cost follows what changed.

A kept table is a set of totals by key (`Totals`): its contribution from some documents is one
SELECT in sql/aggregates/ (named after the table), run over the batch's own rows (added) or
the lake's rows of the documents replaced or deleted (taken away); a key whose total reaches
zero goes. Tables a reader wants merged or ranked over the whole corpus are views over the
totals (sql/views/): entity names through `entity_aliases`, collocations ranked by
log-likelihood; they cost their reader, not the run. A change of this SQL (its version in
`derived_state`) rebuilds every total once from the per-document tables.
"""

import hashlib
from dataclasses import dataclass

from pipeline.lake.sql import IDENTIFIER, SQL_DIR, compose, fill, statement
from pipeline.lake.store import LakeWriter

AGGREGATES_DIR = SQL_DIR / "aggregates"
VIEWS_DIR = SQL_DIR / "views"
STATE = "aggregates"  # the derived_state row naming the SQL version the totals were kept with
CONTENT = "collocation_content"  # temporary: the content tokens collocations are counted from
DOC_STATS = "doc_stats"  # one row per document, replaced with it
# The per-document tables a contribution reads, by the name its SQL gives them.
LAKE_ROWS = {name: name for name in ("tokens", "entities", "removed_lines", "documents")}
Sources = dict[str, str]


@dataclass(frozen=True, slots=True)
class Totals:
    """A table of totals by key, kept by difference; its contribution is aggregates/<table>.sql."""

    table: str
    keys: tuple[str, ...]
    sums: tuple[str, ...]  # the first one is zero exactly when no document holds the key
    needs_content: bool = False  # read from the temporary collocation content


TOTALS = (
    Totals("lemma_counts", ("lemma", "pos"), ("count", "documents")),
    Totals("word_counts", ("word", "lemma"), ("occurrences", "documents")),
    Totals("boilerplate_rules", ("rule",), ("lines", "documents")),
    Totals("entity_name_counts", ("name", "label", "alias_candidate"), ("mentions", "documents")),
    Totals("entity_merge_counts", ("alias", "canonical", "label"), ("mentions", "documents")),
    Totals(
        "entity_pair_counts", ("a", "a_candidate", "b", "b_candidate"), ("sentences", "documents")
    ),
    Totals(
        "entity_day_counts", ("name", "label", "alias_candidate", "day"), ("mentions", "documents")
    ),
    Totals("collocation_pair_counts", ("lemma", "collocate"), ("cooccurrences", "documents"), True),
    Totals("collocation_lemma_counts", ("lemma",), ("n",), True),
)
KEPT_TABLES = (*(totals.table for totals in TOTALS), DOC_STATS)


def view_names() -> list[str]:
    """The views over the totals, entity_aliases first (the others read it)."""
    names = sorted(path.stem for path in VIEWS_DIR.glob("*.sql"))
    return sorted(names, key=lambda name: name != "entity_aliases")


def sql_version() -> str:
    """A hash of every SQL file the aggregates come from: the totals, doc_stats and the views."""
    files = sorted(AGGREGATES_DIR.glob("*.sql")) + sorted(VIEWS_DIR.glob("*.sql"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:10]


def is_current(lake: LakeWriter) -> bool:
    """Whether the totals were kept with today's SQL (else they are rebuilt, not added to)."""
    return lake.is_up_to_date(STATE, sql_version())


def take_away(lake: LakeWriter, doc_ids: list[str]) -> None:
    """Inside a transaction, before the documents' rows are deleted: their contributions go."""
    if doc_ids:
        _apply(lake, LAKE_ROWS, doc_ids, sign=-1)
        lake.execute("lake/delete_doc_rows_by_list", [doc_ids], table=DOC_STATS)


def add(lake: LakeWriter, batch: Sources) -> None:
    """Inside a transaction: the contributions of a batch's own rows, registered under the
    names `batch` gives for tokens, entities, removed_lines and documents."""
    _apply(lake, batch, None, sign=1)
    _insert_doc_stats(lake, batch["tokens"])


def rebuild(lake: LakeWriter) -> dict[str, int]:
    """Every total and doc_stats afresh from the per-document tables, and the views, in one
    transaction; returns each kept table's rows."""
    with lake.transaction():
        for name in KEPT_TABLES:
            lake.execute("lake/clear_table", table=name)
        _apply(lake, LAKE_ROWS, None, sign=1)
        _insert_doc_stats(lake, "tokens")
        create_views(lake)
        lake.record_state(STATE, sql_version())
    return {name: lake.count(name) for name in KEPT_TABLES}


def create_views(lake: LakeWriter) -> None:
    """The views over the totals, (re)made from sql/views/."""
    for name in view_names():
        lake.run(compose("lake/create_view", statement(f"views/{name}"), table=name))


def _insert_doc_stats(lake: LakeWriter, tokens: str) -> None:
    query = fill(statement(f"aggregates/{DOC_STATS}"), tokens=tokens)
    lake.run(compose("lake/insert_query", query, table=DOC_STATS), {"ids": None})


def _apply(lake: LakeWriter, sources: Sources, ids: list[str] | None, *, sign: int) -> None:
    """Merge into every kept table the contribution of the documents `ids` (every one when
    None) of the rows `sources` names, times `sign`."""
    if any(totals.needs_content for totals in TOTALS):
        query = fill(statement("aggregates/collocation_content"), tokens=sources["tokens"])
        lake.run(compose("lake/create_temp_table_as", query, table=CONTENT), {"ids": ids})
    for totals in TOTALS:
        query = fill(statement(f"aggregates/{totals.table}"), **sources)
        params = {"ids": ids, "sign": sign}
        used = {name: value for name, value in params.items() if f"${name}" in query}
        lake.run(compose("lake/totals_new_delta", query), used)
        _merge(lake, totals)


def _merge(lake: LakeWriter, totals: Totals) -> None:
    """The delta into the kept totals: new values for the keys it touches, zeros dropped."""
    for name in (*totals.keys, *totals.sums):
        if not IDENTIFIER.match(name):
            raise ValueError(f"not a column name: {name!r}")
    names = {"table": totals.table, "keys": ", ".join(totals.keys), "delta": "totals_delta"}
    expressions = {
        "added": ", ".join(f"coalesce(t.{s}, 0) + d.{s} AS {s}" for s in totals.sums),
        "summed": ", ".join(f"sum({s}) AS {s}" for s in totals.sums),
        "match": " AND ".join(f"{totals.table}.{k} = d.{k}" for k in totals.keys),
        "first": totals.sums[0],
    }
    for name in ("lake/totals_merged", "lake/totals_delete", "lake/totals_insert"):
        text = fill(statement(name), **names)
        for key, value in expressions.items():  # built above from checked column names
            text = text.replace("{" + key + "}", value)
        lake.run(text)

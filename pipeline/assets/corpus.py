import dataclasses
import sys
import time

import dagster as dg
import duckdb
from pydantic import Field

from pipeline.assets.partitions import KEEP_UP_TO_DATE, SHARDS
from pipeline.assets.resources import FolderResource, LakeResource, NlpResource
from pipeline.lake import ensure_tables
from pipeline.lake.aggregates import update_collocation_counts
from pipeline.run.engine import SyncReport, sync
from pipeline.schema import COLLOCATION_TABLES
from pipeline.versions import annotation_version, cleaning_version, code_version

DOCUMENTS_DESCRIPTION = """Tables `documents`, `removed_lines` and `files`.
A `documents` row is one file of the seeds folder: metadata (title, published date, source URL,
language, encoding), the cleaned text, and `ok` or `rejected` with a reason. A `removed_lines`
row is one line that cleaning removed, with the rule that removed it. A `files` row is the state
of one file (size, mtime, sha256, the code version that made its rows)."""

ANNOTATIONS_DESCRIPTION = """Tables `sentences`, `tokens` and `entities`: the spaCy annotation of
each `ok` English document. A `tokens` row is one token (text, lemma, POS, tag, dependency, head,
entity type); an `entities` row is one named-entity mention with a normalised `norm` for grouping.
Written in the same transaction as the document's `documents` row."""


class ShardRunConfig(dg.Config):
    """Run settings for a shard run."""

    force_all: bool = False  # re-process every file of the shards, even if unchanged
    force: list[str] = Field(default_factory=list)  # doc_ids to re-process even if unchanged
    show_progress: bool = False  # print progress lines to stderr (the command line sets it)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "documents",
            deps=["seed_files"],
            description=DOCUMENTS_DESCRIPTION,
            code_version=cleaning_version(),
            automation_condition=KEEP_UP_TO_DATE,
            group_name="corpus",
        ),
        dg.AssetSpec(
            "annotations",
            deps=["documents"],
            description=ANNOTATIONS_DESCRIPTION,
            code_version=annotation_version(),
            automation_condition=KEEP_UP_TO_DATE,
            group_name="corpus",
        ),
    ],
    partitions_def=SHARDS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def corpus_shards(
    context: dg.AssetExecutionContext,
    config: ShardRunConfig,
    folder: FolderResource,
    lake: LakeResource,
    nlp: NlpResource,
) -> dg.Output:
    """Ingest, clean and annotate the new, changed and re-versioned files of the shards in the
    run, and delete the rows of files that are gone; one transaction per batch of files."""
    # Each batch's per-document collocation counts are derived in its own commit, on the
    # commit thread while the next batch is parsed, instead of all at once after the last.
    shards = sorted(int(key) for key in context.partition_keys)
    options = dataclasses.replace(
        folder.options(force_all=config.force_all, force=frozenset(config.force)),
        batch_docs=nlp.batch_docs,
    )
    reporter = _Reporter(context, config.show_progress)
    with lake.writer() as con:
        ensure_tables(con, COLLOCATION_TABLES)
        report = sync(
            con,
            options,
            shards,
            nlp.executor(),
            version=code_version(),
            progress=reporter,
            derive=update_collocation_counts,
        )
        context.log.info(_summary_line(report))
        metadata = _metadata(report, con)
    yield dg.MaterializeResult(asset_key="documents", metadata=metadata["documents"])
    yield dg.MaterializeResult(asset_key="annotations", metadata=metadata["annotations"])


class _Reporter:
    """Progress on long work: files done of total and the rate, at most every two seconds."""

    def __init__(self, context: dg.AssetExecutionContext, to_stderr: bool) -> None:
        self._context = context
        self._to_stderr = to_stderr
        self._start = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int, report: SyncReport) -> None:
        now = time.perf_counter()
        if now - self._last < 2.0 and done < total:
            return
        self._last = now
        rate = done / max(now - self._start, 1e-9)
        line = f"{done}/{total} files ({rate:.1f} files/s, {report.words:,} words)"
        self._context.log.info(line)
        if self._to_stderr:
            print(f"  {line}", file=sys.stderr, flush=True)


def _summary_line(report: SyncReport) -> str:
    return (
        f"{report.files_processed} processed, {report.files_unchanged} unchanged, "
        f"{report.files_deleted} deleted, {report.files_rejected} rejected"
    )


def _metadata(report: SyncReport, con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    seconds = {f"seconds_{stage}": round(s, 3) for stage, s in report.seconds.items()}
    rules = dict(
        con.execute(
            "SELECT rule, count(*) FROM removed_lines GROUP BY rule ORDER BY 2 DESC"
        ).fetchall()
    )
    documents = {
        "files_seen": report.files_seen,
        "files_new": report.files_new,
        "files_changed": report.files_changed,
        "files_unchanged": report.files_unchanged,
        "files_touched": report.files_touched,
        "files_deleted": report.files_deleted,
        "files_rejected": report.files_rejected,
        "files_processed": report.files_processed,
        "removed_lines_written": report.removed_lines,
        "removed_lines_by_rule": dg.MetadataValue.json(rules),
        "dagster/row_count": _count(con, "documents"),
        "preview": dg.MetadataValue.md(_preview(con)),
        **seconds,
    }
    annotations = {
        "sentences_written": report.sentences,
        "tokens_written": report.tokens,
        "entities_written": report.entities,
        "words_annotated": report.words,
        "dagster/row_count": _count(con, "tokens"),
        **seconds,
    }
    return {"documents": documents, "annotations": annotations}


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _preview(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "SELECT doc_id, status, language, coalesce(title, '') FROM documents "
        "ORDER BY doc_id LIMIT 5"
    ).fetchall()
    lines = ["| doc_id | status | language | title |", "|---|---|---|---|"]
    lines += [f"| {d} | {s} | {lang} | {t[:60].replace('|', '/')} |" for d, s, lang, t in rows]
    return "\n".join(lines)

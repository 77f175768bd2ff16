"""The `documents` and `annotations` assets: one step per run of shards that brings the
per-document tables in step with the folder."""

import dataclasses
import sys
import time
from collections.abc import Iterator

import dagster as dg
from pydantic import Field

from pipeline.assets.metadata import definition_metadata, table_metadata
from pipeline.assets.partitions import KEEP_UP_TO_DATE, SHARDS
from pipeline.assets.resources import FolderResource
from pipeline.lake import Lake, LakeReader
from pipeline.lake.documents import record_cleaning_rules
from pipeline.run.engine import SyncReport, sync
from pipeline.run.executors import Workers
from pipeline.stages.cleaning import rule_reasons
from pipeline.timing import Timings
from pipeline.versions import annotation_version, cleaning_version, code_version

DOCUMENTS_DESCRIPTION = """Tables `documents`, `removed_lines`, `cleaning_rules` and `files`.
A `documents` row is one file of the seeds folder: metadata (title, published date, source URL,
language, encoding), the cleaned text, and `ok` or `rejected` with a reason. A `removed_lines`
row is one line that cleaning removed, with the rule that removed it; `cleaning_rules` says why
each rule removes what it does (join on `rule`). A `files` row is the state
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
            metadata=definition_metadata("documents"),
            code_version=cleaning_version(),
            automation_condition=KEEP_UP_TO_DATE,
            group_name="corpus",
        ),
        dg.AssetSpec(
            "annotations",
            deps=["documents"],
            description=ANNOTATIONS_DESCRIPTION,
            metadata=definition_metadata("annotations"),
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
    lake: dg.ResourceParam[Lake],
    nlp: dg.ResourceParam[Workers],
) -> Iterator[dg.MaterializeResult]:
    """Ingest, clean and annotate the new, changed and re-versioned files of the shards in the
    run, and delete the rows of files that are gone; one transaction per batch of files."""
    shards = sorted(int(key) for key in context.partition_keys)
    options = dataclasses.replace(
        folder.options(force_all=config.force_all, force=frozenset(config.force)),
        batch_docs=nlp.batch_docs,
    )
    started = time.perf_counter()
    reporter = _Reporter(context, config.show_progress)
    timings = Timings()
    with lake.writer(waiting=context.log.info) as writer:
        record_cleaning_rules(writer, rule_reasons())
        report = sync(
            writer,
            options,
            shards,
            nlp.executor(),
            version=code_version(options.params, model=nlp.model),
            timings=timings,
            progress=reporter,
        )
        context.log.info(_summary_line(report))
        metadata = _metadata(report, timings, time.perf_counter() - started, writer)
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


def _metadata(
    report: SyncReport, timings: Timings, seconds: float, lake: LakeReader
) -> dict[str, dict]:
    """Per run, the numbers a user watches over time (files in, rejected, words annotated,
    seconds per file, lines removed per rule), beside each asset's row counts and preview."""
    stages = {f"seconds_{stage}": round(s, 3) for stage, s in timings.seconds.items()}
    processed = report.files_processed
    # not "seconds_...": those keys are the stages (the benchmark reads them as such)
    per_file = {"per_file_seconds": round(seconds / processed, 4)} if processed else {}
    rules = {f"removed_lines/{rule}": lines for rule, lines in lake.rows("assets/removed_by_rule")}
    documents = {
        "files_seen": report.files_seen,
        "files_new": report.files_new,
        "files_changed": report.files_changed,
        "files_unchanged": report.files_unchanged,
        "files_touched": report.files_touched,
        "files_deleted": report.files_deleted,
        "files_rejected": report.files_rejected,
        "files_processed": report.files_processed,
        "files_copied": report.files_copied,
        "removed_lines_written": report.removed_lines,
        "chars_removed_share": lake.row("assets/cleaning_share")[0],
        **rules,
        **table_metadata(lake, "documents"),
        "seconds": round(seconds, 3),
        **per_file,
        **stages,
    }
    annotations = {
        "sentences_written": report.sentences,
        "tokens_written": report.tokens,
        "entities_written": report.entities,
        "words_annotated": report.words,
        **table_metadata(lake, "annotations"),
        "seconds": round(seconds, 3),
        **per_file,
        **stages,
    }
    return {"documents": documents, "annotations": annotations}

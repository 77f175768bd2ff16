"""The text reuse assets: pairs of documents that share text, their passages, and stories."""

import hashlib
import time
from collections.abc import Iterator

import dagster as dg

from pipeline.assets.metadata import ROW_COUNT, definition_metadata, table_metadata
from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake
from pipeline.lake.reuse import update_reuse
from pipeline.lake.sql import SQL_DIR
from pipeline.stages.reuse.pairs import EXACT, KINDS, NEAR_DUPLICATE
from pipeline.versions import source_hash


def _reuse_version() -> str:
    """The code of the pass and the SQL that derives its postings and rows."""
    sql = b"".join(p.read_bytes() for p in sorted((SQL_DIR / "reuse").glob("*.sql")))
    modules = ("pipeline.stages.reuse", "pipeline.lake.reuse", "pipeline.lake.reuse_compare")
    return f"{source_hash(modules)}-{hashlib.sha256(sql).hexdigest()[:6]}"


REUSE_VERSION = _reuse_version()
REUSE_ASSETS = ("text_reuse", "reused_passages", "reuse_clusters")
SPECS = [
    dg.AssetSpec(
        "text_reuse",
        deps=["documents", "annotations"],
        description="A row is a pair of documents (doc_a < doc_b) that share text: `kind` is "
        "exact, near_duplicate, rewrite or partial, with a similarity, the share of each "
        "document's words in shared passages, and the likely `source` (published first, "
        "else seen first; null on a tie, `source_by` says which).",
        code_version=REUSE_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
        metadata=definition_metadata("text_reuse"),
        group_name="reuse",
    ),
    dg.AssetSpec(
        "reused_passages",
        deps=["text_reuse"],
        description="A row is a passage two documents of a reported pair share, as character "
        "offsets into both texts: a run of shared words (ngram) or a sentence aligned with "
        "one or two of the other's (sentence).",
        code_version=REUSE_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
        metadata=definition_metadata("reused_passages"),
        group_name="reuse",
    ),
    dg.AssetSpec(
        "reuse_clusters",
        deps=["text_reuse"],
        description="A row is a document that shares text with another, and its story: "
        "`cluster_id` is the story's earliest member (first seen), kept as the corpus grows.",
        code_version=REUSE_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
        metadata=definition_metadata("reuse_clusters"),
        group_name="reuse",
    ),
]


class ReuseConfig(dg.Config):
    """Run settings for text reuse."""

    full: bool = False  # compare every document again (`corpus backfill --all` sets it)


@dg.multi_asset(specs=SPECS)
def text_reuse(
    context: dg.AssetExecutionContext, config: ReuseConfig, lake: dg.ResourceParam[Lake]
) -> Iterator[dg.MaterializeResult]:
    """Find exact copies, near duplicates, rewrites and partial reuse, their passages and
    stories. Only documents new or changed since the last pass are compared with the corpus;
    their rows are replaced and the rest kept, in one transaction."""
    clock = time.perf_counter()
    compared = new_texts = removed = 0
    full = False
    with lake.writer(waiting=context.log.info) as writer:
        stamp = writer.files_fingerprint(REUSE_VERSION)
        if config.full or not writer.is_up_to_date("text_reuse", stamp):
            state = ("text_reuse", stamp)
            update = update_reuse(writer, REUSE_VERSION, state=state, full=config.full)
            compared, new_texts, removed = update.compared, update.new_texts, update.removed
            full = update.full
        present = writer.tables()
        kinds = dict(writer.rows("reuse/by_kind")) if "text_reuse" in present else {}
        by_kind = dict.fromkeys(KINDS, 0) | kinds
        tables = {a: table_metadata(writer, a) for a in REUSE_ASSETS if a in present}
        stories = writer.row("reuse/story_count")[0] if "reuse_clusters" in present else 0
    yield dg.MaterializeResult(
        asset_key="text_reuse",
        metadata={
            **tables.get("text_reuse", {ROW_COUNT: 0}),
            "seconds": round(time.perf_counter() - clock, 3),
            "documents_compared": compared,
            "texts_compared": new_texts,
            "documents_removed": removed,
            "full_pass": full,
            "duplicates": by_kind[EXACT] + by_kind[NEAR_DUPLICATE],
            **by_kind,  # pairs per kind, every kind (the benchmark reads them by these names)
        },
    )
    yield dg.MaterializeResult(
        asset_key="reused_passages", metadata=tables.get("reused_passages", {ROW_COUNT: 0})
    )
    yield dg.MaterializeResult(
        asset_key="reuse_clusters",
        metadata={**tables.get("reuse_clusters", {ROW_COUNT: 0}), "stories": stories},
    )

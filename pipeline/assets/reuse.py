"""The text reuse assets: pairs of documents that share text, and their aligned sentences."""

import time
from collections.abc import Iterator

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake
from pipeline.lake.reuse import update_reuse
from pipeline.versions import source_hash

REUSE_VERSION = source_hash(("pipeline.stages.reuse", "pipeline.lake.reuse"))
SPECS = [
    dg.AssetSpec(
        "text_reuse",
        deps=["documents", "annotations"],
        description="A row is a pair of documents (doc_a < doc_b) that share text: `kind` is "
        "exact, near_duplicate or rewrite, with a similarity and the share of each document's "
        "sentences that have a counterpart in the other.",
        code_version=REUSE_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
        group_name="reuse",
    ),
    dg.AssetSpec(
        "reused_sentences",
        deps=["text_reuse"],
        description="A row is an aligned sentence pair (doc_a, sent_a) ~ (doc_b, sent_b) of a "
        "reported pair, with its similarity score.",
        code_version=REUSE_VERSION,
        automation_condition=KEEP_UP_TO_DATE,
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
    """Find exact copies, near duplicates (MinHash/LSH) and spun rewrites (indexed sentence
    alignment). Only documents new or changed since the last pass are compared with the
    corpus; their pairs are replaced and the rest kept, in one transaction."""
    clock = time.perf_counter()
    compared = removed = 0
    with lake.writer(waiting=context.log.info) as writer:
        stamp = writer.files_fingerprint(REUSE_VERSION)
        full = False
        if config.full or not writer.is_up_to_date("text_reuse", stamp):
            state = ("text_reuse", stamp)
            update = update_reuse(writer, REUSE_VERSION, state=state, full=config.full)
            compared, removed, full = update.compared, update.removed, update.full
        by_kind = dict(writer.rows("assets/reuse_by_kind"))
        sentences = writer.count("reused_sentences")
    yield dg.MaterializeResult(
        asset_key="text_reuse",
        metadata={
            "dagster/row_count": sum(by_kind.values()),
            "seconds": round(time.perf_counter() - clock, 3),
            "documents_compared": compared,
            "documents_removed": removed,
            "full_pass": full,
            **by_kind,
        },
    )
    yield dg.MaterializeResult(
        asset_key="reused_sentences", metadata={"dagster/row_count": sentences}
    )

"""The `search_index` asset: the search index brought in step with the lake after a run (only
the documents that changed are indexed again), so the first search after it does not pay."""

import time

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake
from pipeline.lake.search import SEARCH_DIR, sync_index


@dg.asset(
    deps=["documents", "annotations"],
    description=(
        "DATA/search/: a tantivy index of the `ok` documents (BM25 over title and text; the "
        "words and lemmas of their tokens for keyword in context), derived from the lake and "
        "updated for the documents that changed."
    ),
    automation_condition=KEEP_UP_TO_DATE,
    group_name="explore",
)
def search_index(lake: dg.ResourceParam[Lake]) -> dg.MaterializeResult:
    """Re-index the documents whose version moved since the index last read the lake."""
    clock = time.perf_counter()
    with lake.reader() as reader:
        synced = sync_index(reader, lake.data_dir)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(lake.data_dir / SEARCH_DIR)),
            "documents": synced.searcher().num_docs,
            "seconds": round(time.perf_counter() - clock, 3),
        }
    )

"""The `corpus_report` asset: the offline HTML report (pipeline/report.py) written next to the
lake as DATA/report.html, with its path and a short Markdown preview in the metadata."""

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake
from pipeline.settings import REPORT_FILE

# The tables the report reads: the per-document tables (through their assets) and the aggregates.
REPORT_DEPS = [
    "documents",
    "annotations",
    "entity_counts",
    "entity_timeline",
    "boilerplate_rules",
    "text_reuse",
]


@dg.asset(
    deps=REPORT_DEPS,
    description=(
        "DATA/report.html: one static HTML page that works offline (charts inlined as SVG) with "
        "corpus size and languages, documents per day, top entities and their timelines, removed "
        "lines per cleaning rule, and text-reuse pairs when the lake has them."
    ),
    automation_condition=KEEP_UP_TO_DATE,
    group_name="reports",
)
def corpus_report(lake: dg.ResourceParam[Lake]) -> dg.MaterializeResult:
    """Read the last committed snapshot, render the report, replace DATA/report.html atomically."""
    # imported here: matplotlib costs ~30 MB in every process that loads the definitions
    from pipeline.explore.report import build_report, write_html

    with lake.reader() as reader:
        report = build_report(reader)
    path = lake.data_dir / REPORT_FILE
    write_html(path, report.html)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "preview": dg.MetadataValue.md(report.markdown),
            "bytes": len(report.html.encode()),
        }
    )

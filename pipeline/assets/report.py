"""The `corpus_report` asset: the offline HTML report (pipeline/explore/report.py) written next
to the lake as DATA/report.html, with its path and a short Markdown preview in the metadata.

Rendering costs ~2 s (matplotlib's import and four charts), so the page is rebuilt only when
the lake moved to another snapshot or the report's code changed since it was written: what it
was made from, and its preview, are kept beside it in DATA/.report-source.json."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipeline.assets.partitions import KEEP_UP_TO_DATE
from pipeline.lake import Lake, LakeReader
from pipeline.lake.sql import SQL_DIR
from pipeline.settings import REPORT_FILE
from pipeline.versions import source_hash

SOURCE_FILE = ".report-source.json"
REPORT_SQL = sorted((SQL_DIR / "report").glob("*.sql"))
REPORT_VERSION = "-".join(
    (
        source_hash(
            ("pipeline.explore.report", "pipeline.explore.report_data", "pipeline.explore.charts")
        ),
        hashlib.sha256(b"".join(path.read_bytes() for path in REPORT_SQL)).hexdigest()[:10],
    )
)
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
    code_version=REPORT_VERSION,
    automation_condition=KEEP_UP_TO_DATE,
    group_name="reports",
)
def corpus_report(lake: dg.ResourceParam[Lake]) -> dg.MaterializeResult:
    """Read the last committed snapshot, render the report, replace DATA/report.html atomically;
    or keep the page when it was made from this snapshot by this code."""
    path = lake.data_dir / REPORT_FILE
    with lake.reader() as reader:
        source = f"snapshot {reader.stamp().snapshot}, report {REPORT_VERSION}"
        markdown = _kept_preview(path, source)
        rebuilt = markdown is None
        if markdown is None:
            markdown = _render(reader, path, source)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "preview": dg.MetadataValue.md(markdown),
            "bytes": path.stat().st_size,
            "rebuilt": rebuilt,
            "source": source,
        }
    )


def _kept_preview(path: Path, source: str) -> str | None:
    """The preview of the page at `path` if it was made from `source`, else None."""
    record = path.with_name(SOURCE_FILE)
    if not (path.exists() and record.exists()):
        return None
    try:
        kept = json.loads(record.read_text())
    except ValueError:  # a record cut short: make the page again
        return None
    return kept.get("markdown") if kept.get("source") == source else None


def _render(reader: LakeReader, path: Path, source: str) -> str:
    # imported here: matplotlib costs ~30 MB in every process that loads the definitions
    from pipeline.explore.report import build_report, write_html

    report = build_report(reader)
    write_html(path, report.html)
    record = {"source": source, "markdown": report.markdown}
    write_html(path.with_name(SOURCE_FILE), json.dumps(record))  # after the page it describes
    return report.markdown

"""What the Dagster UI shows of each table asset: its columns, taken from the Arrow schemas of
pipeline/schema/ (the single declaration of every table, with each column's meaning), and on
every materialization its row count and a preview of its top rows (sql/previews/<asset>.sql),
even when the run had nothing to recompute."""

import dagster as dg
import polars as pl
import pyarrow as pa

from pipeline.lake import LakeReader
from pipeline.schema import (
    AGGREGATE_TABLES,
    BASE_TABLES,
    REUSE_TABLES,
    VIEW_TABLES,
    description_of,
)

SCHEMAS: dict[str, pa.Schema] = {**BASE_TABLES, **REUSE_TABLES, **AGGREGATE_TABLES, **VIEW_TABLES}
# The aggregates a user reads, each an asset: three kept tables and the views over the others.
AGGREGATE_ASSETS = ("lemma_counts", "boilerplate_rules", "doc_stats", *VIEW_TABLES)
# The lake tables each asset writes, its main table first (the one its columns, row count and
# preview are of); the others' columns and row counts are shown beside them.
ASSET_TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("documents", "removed_lines", "cleaning_rules", "files"),
    "annotations": ("tokens", "sentences", "entities"),
    "text_reuse": ("text_reuse",),
    "reused_passages": ("reused_passages",),
    "reuse_clusters": ("reuse_clusters",),
    **{name: (name,) for name in AGGREGATE_ASSETS},
}
COLUMN_SCHEMA = "dagster/column_schema"
ROW_COUNT = "dagster/row_count"
PREVIEW_CHARS = 60  # longer strings are cut in a preview's cells


def table_schema(schema: pa.Schema) -> dg.TableSchema:
    """An Arrow schema as Dagster's column schema: name, Arrow type and meaning per column."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=f.name, type=str(f.type), description=description_of(f) or None)
            for f in schema
        ]
    )


def definition_metadata(asset: str) -> dict[str, object]:
    """The asset's columns (of its main table) and the columns of the other tables it writes."""
    main, *others = ASSET_TABLES[asset]
    metadata: dict[str, object] = {COLUMN_SCHEMA: table_schema(SCHEMAS[main])}
    metadata |= {f"columns of {table}": table_schema(SCHEMAS[table]) for table in others}
    return metadata


def table_metadata(reader: LakeReader, asset: str) -> dict[str, object]:
    """Row counts of the asset's tables and a preview of its main table, read from the lake's
    last committed snapshot (count(*) is answered from Parquet footers and inlined rows)."""
    main, *others = ASSET_TABLES[asset]
    metadata: dict[str, object] = {ROW_COUNT: reader.count(main)}
    metadata |= {f"rows/{table}": reader.count(table) for table in others}
    metadata["preview"] = dg.MetadataValue.md(markdown_table(reader.frame(f"previews/{asset}")))
    return metadata


def markdown_table(frame: pl.DataFrame) -> str:
    """A small frame as a Markdown table (polars lays it out); strings are kept to one line,
    their pipes escaped, and cut at PREVIEW_CHARS characters."""
    if frame.is_empty():
        return "_no rows yet_"
    cells = frame.with_columns(
        pl.col(pl.String).str.replace_all(r"\s+", " ").str.replace_all("|", r"\|", literal=True)
    )
    with pl.Config(
        tbl_formatting="ASCII_MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        fmt_str_lengths=PREVIEW_CHARS,
        tbl_width_chars=10_000,
        tbl_rows=frame.height,
        tbl_cols=frame.width,
    ):
        return str(cells)

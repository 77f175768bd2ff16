"""What the UI shows of each table: column schemas derived from the Arrow declarations, and
previews rendered as Markdown tables."""

import dagster as dg
import polars as pl
import pyarrow as pa

from pipeline.assets.aggregates import PUBLIC_TABLES
from pipeline.assets.metadata import (
    AGGREGATE_ASSETS,
    ASSET_TABLES,
    COLUMN_SCHEMA,
    SCHEMAS,
    definition_metadata,
    markdown_table,
    table_schema,
)
from pipeline.lake.aggregates import view_names
from pipeline.lake.sql import SQL_DIR
from pipeline.schema import VIEW_TABLES, column, description_of


def test_an_arrow_schema_becomes_a_column_schema_with_meanings():
    schema = pa.schema(
        [
            column("norm", pa.string(), "the entity's normalised form"),
            pa.field("n", pa.int64()),
        ]
    )
    columns = table_schema(schema).columns
    assert [(c.name, c.type, c.description) for c in columns] == [
        ("norm", "string", "the entity's normalised form"),
        ("n", "int64", None),
    ]


def test_every_column_of_every_table_asset_says_what_it_means():
    undescribed = [
        f"{table}.{field.name}"
        for tables in ASSET_TABLES.values()
        for table in tables
        for field in SCHEMAS[table]
        if not description_of(field)
    ]
    assert undescribed == []


def test_every_view_and_aggregate_asset_is_declared_and_every_asset_has_a_preview():
    assert set(view_names()) == set(VIEW_TABLES)
    assert set(PUBLIC_TABLES) == set(AGGREGATE_ASSETS)
    assert {table for tables in ASSET_TABLES.values() for table in tables} <= set(SCHEMAS)
    previews = {path.stem for path in (SQL_DIR / "previews").glob("*.sql")}
    assert previews == set(ASSET_TABLES)


def test_an_asset_definition_carries_its_main_table_and_the_others_it_writes():
    metadata = definition_metadata("annotations")
    assert [c.name for c in metadata[COLUMN_SCHEMA].columns][:3] == [
        "doc_id",
        "sent_idx",
        "tok_idx",
    ]
    assert set(metadata) == {COLUMN_SCHEMA, "columns of sentences", "columns of entities"}
    assert all(isinstance(value, dg.TableSchema) for value in metadata.values())


def test_a_preview_is_a_markdown_table_of_one_line_cells():
    frame = pl.DataFrame(
        {
            "text": ["a | b", "line one\nline two", "x" * 100],
            "n": [1, 2, None],
        }
    )
    lines = markdown_table(frame).splitlines()
    assert len(lines) == 2 + 3  # header, rule, one line per row
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == ["text", "n"]
    assert r"a \| b" in lines[2] and "line one line two" in lines[3]
    assert "x" * 60 + "..." in lines[4] and "x" * 61 not in lines[4]
    assert markdown_table(frame.clear()) == "_no rows yet_"

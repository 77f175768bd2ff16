import duckdb

from pipeline.lake import LakeReader
from pipeline.lake.store import missing_columns
from pipeline.schema import BASE_TABLES


def _tables_as_declared() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table, schema in BASE_TABLES.items():
        con.from_arrow(schema.empty_table()).create(table)
    return con


def test_tables_as_declared_pass_the_schema_check():
    assert missing_columns(LakeReader(_tables_as_declared()), BASE_TABLES) == []


def test_the_schema_check_names_a_missing_and_a_mistyped_column():
    con = _tables_as_declared()
    con.execute("ALTER TABLE files DROP COLUMN first_seen")
    con.execute("ALTER TABLE tokens ALTER COLUMN lemma TYPE INTEGER")
    con.execute("DROP TABLE entities")
    problems = missing_columns(LakeReader(con), BASE_TABLES)
    assert "files.first_seen TIMESTAMP WITH TIME ZONE" in problems
    assert "tokens.lemma VARCHAR" in problems
    assert {p.split(".")[0] for p in problems} == {"files", "tokens", "entities"}
    assert sum(p.startswith("entities.") for p in problems) == len(BASE_TABLES["entities"])

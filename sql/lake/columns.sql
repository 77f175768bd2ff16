-- Every column of the lake's tables with DuckDB's name for its type.
SELECT table_name, column_name, data_type
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = current_schema()

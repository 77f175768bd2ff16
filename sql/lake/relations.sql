-- The tables and views of the lake (the current database and schema): what a user can name.
SELECT table_name AS name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = current_schema()
UNION
SELECT view_name
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name = current_schema()
ORDER BY name

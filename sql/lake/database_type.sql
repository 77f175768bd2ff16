-- The kind of the current database: 'ducklake' for the lake (a plain DuckDB database in tests).
SELECT type FROM duckdb_databases() WHERE database_name = current_database()

-- The tables of the current database and schema (the report's optional sections need their table).
SELECT table_name
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_schema = current_schema()
ORDER BY table_name

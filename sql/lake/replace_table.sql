-- A derived table replaced whole by the registered Arrow table `replacement`.
CREATE OR REPLACE TABLE {table} AS SELECT * FROM replacement

-- A table made (or remade) from the result of one of our own queries.
CREATE OR REPLACE TABLE {table} AS {query}

-- A temporary table (this connection only) made from the result of one of our own queries.
CREATE OR REPLACE TEMP TABLE {table} AS {query}

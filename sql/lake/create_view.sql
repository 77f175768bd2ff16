-- A view made (or remade) from one of our own queries.
CREATE OR REPLACE VIEW {table} AS {query}

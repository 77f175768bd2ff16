-- Append the result of one of our own queries to a table, matching columns by name.
INSERT INTO {table} BY NAME {query}

-- Append the rows of a registered Arrow table, matching columns by name.
INSERT INTO {table} BY NAME SELECT * FROM {view}

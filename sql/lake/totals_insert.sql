-- The new totals back, except keys no document holds any more.
INSERT INTO {table} BY NAME SELECT * FROM merged_totals WHERE {first} > 0

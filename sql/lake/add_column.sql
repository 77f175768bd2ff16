-- A column a newer schema declares, added to a table of an older lake (NULL in its old rows).
ALTER TABLE {table} ADD COLUMN {column} {kind}

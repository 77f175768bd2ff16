-- Add a declared column that a table made by an older version lacks; its rows hold null until rewritten.
ALTER TABLE {table} ADD COLUMN {column} {type}

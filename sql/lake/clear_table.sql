-- Every row of a kept table goes (before it is rebuilt in the same transaction).
DELETE FROM {table}

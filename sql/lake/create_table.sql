-- A new empty table with the columns of the registered Arrow table `empty`.
CREATE TABLE {table} AS SELECT * FROM empty WITH NO DATA

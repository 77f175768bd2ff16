-- Every row of one of the lake's tables (what `corpus export TABLE` writes).
SELECT * FROM {table}

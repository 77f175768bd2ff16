-- Every row of one document ($1) in one per-document table.
SELECT * FROM {table} WHERE doc_id = $1

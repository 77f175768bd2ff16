-- The rows of the documents $1 go from a per-document derived table.
DELETE FROM {table} WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))

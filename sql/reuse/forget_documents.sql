-- Forget the rows of a table keyed by doc_id that name one of the documents $1.
DELETE FROM {table} WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))

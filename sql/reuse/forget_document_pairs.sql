-- Forget the rows of a table naming two documents (doc_a, doc_b) that name one of $1.
DELETE FROM {table}
WHERE doc_a IN (SELECT unnest($1::VARCHAR[])) OR doc_b IN (SELECT unnest($1::VARCHAR[]))

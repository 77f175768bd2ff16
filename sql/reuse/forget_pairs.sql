-- Forget the rows of a pair table that name one of the documents $1 on either side.
DELETE FROM {table}
WHERE doc_a IN (SELECT unnest($1::VARCHAR[])) OR doc_b IN (SELECT unnest($1::VARCHAR[]))

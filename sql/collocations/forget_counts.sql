-- Drop the counts of the documents $1 (keyed by hash(doc_id)) from one of the count tables.
DELETE FROM {table} WHERE doc IN (SELECT hash(unnest($1::VARCHAR[])))

-- The text keys of the documents $1.
SELECT DISTINCT text_key FROM reuse_documents WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))

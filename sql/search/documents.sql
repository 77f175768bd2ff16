-- The searchable documents, copied from the lake into the local search index.
SELECT doc_id, title, published_date, text
FROM documents
WHERE status = 'ok'
ORDER BY doc_id

-- The first document by id.
SELECT doc_id FROM documents ORDER BY doc_id LIMIT 1

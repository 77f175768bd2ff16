-- The first documents by id, for the documents asset's preview.
SELECT doc_id, status, language, coalesce(title, '') AS title
FROM documents
ORDER BY doc_id
LIMIT 5

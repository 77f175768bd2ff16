-- The cleaned text of the documents to sign again (their ids: $1).
SELECT doc_id, text
FROM documents
WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
ORDER BY doc_id

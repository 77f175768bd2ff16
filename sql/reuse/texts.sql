-- The cleaned text of the documents $1, to key and sign them.
SELECT doc_id, text
FROM documents
WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
ORDER BY doc_id

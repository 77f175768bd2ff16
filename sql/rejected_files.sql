-- Files that could not be used, and why.
SELECT doc_id, n_bytes, reject_reason
FROM documents
WHERE status = 'rejected'
ORDER BY doc_id

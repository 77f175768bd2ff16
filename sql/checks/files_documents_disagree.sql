-- Files without their document row, documents without their file row, or differing hashes.
SELECT coalesce(f.doc_id, d.doc_id) AS doc_id, f.status AS file_status, d.status AS doc_status
FROM files AS f
FULL OUTER JOIN documents AS d ON f.doc_id = d.doc_id
WHERE f.doc_id IS NULL OR d.doc_id IS NULL OR f.status <> d.status
   OR f.content_sha256 <> d.content_sha256

-- Files without their document row, documents without their file row, or differing hashes
-- (among the documents processed after $since; every one when NULL).
WITH recent AS (
    SELECT doc_id FROM files WHERE $since IS NULL OR processed_at > $since
)
SELECT coalesce(f.doc_id, d.doc_id) AS doc_id, f.status AS file_status, d.status AS doc_status
FROM (SELECT * FROM files WHERE $since IS NULL OR doc_id IN (SELECT doc_id FROM recent)) AS f
FULL OUTER JOIN (
    SELECT * FROM documents WHERE $since IS NULL OR doc_id IN (SELECT doc_id FROM recent)
) AS d ON f.doc_id = d.doc_id
WHERE f.doc_id IS NULL OR d.doc_id IS NULL OR f.status <> d.status
   OR f.content_sha256 <> d.content_sha256

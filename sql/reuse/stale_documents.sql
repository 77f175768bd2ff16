-- Documents the last reuse pass compared that are gone, no longer `ok`, or whose source moved
-- (reuse's version: $1): their rows go.
SELECT r.doc_id
FROM reuse_documents AS r
LEFT JOIN files AS f USING (doc_id)
LEFT JOIN documents AS d USING (doc_id)
WHERE d.status IS DISTINCT FROM 'ok'
   OR r.source IS DISTINCT FROM f.content_sha256 || ':' || f.code_version || ':' || $1
ORDER BY r.doc_id

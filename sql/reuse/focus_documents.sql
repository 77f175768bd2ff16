-- The `ok` documents the reuse pass must (re)compare: new, or whose source moved since the
-- last pass (content, code version of their rows, or reuse's own version $1), with what their
-- text key is made from: the code version of their rows and their cleaned text.
SELECT d.doc_id, f.content_sha256 || ':' || f.code_version || ':' || $1 AS source, f.code_version
FROM documents AS d
JOIN files AS f USING (doc_id)
WHERE d.status = 'ok'
  AND NOT EXISTS (
      SELECT 1 FROM reuse_documents AS r
      WHERE r.doc_id = d.doc_id AND r.source = f.content_sha256 || ':' || f.code_version || ':' || $1
  )
ORDER BY d.doc_id

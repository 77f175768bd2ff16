-- What each `ok` document's derived rows are made from: its content hash, the code version of
-- its rows, and the version of the step deriving them ($1). A step re-derives the documents
-- whose source moved since its last pass (text reuse, the collocation counts) and keeps the rest.
-- $2: only these doc_ids (a batch's commit), or NULL for every document.
SELECT d.doc_id, f.content_sha256 || ':' || f.code_version || ':' || $1 AS source
FROM documents AS d
JOIN files AS f USING (doc_id)
WHERE d.status = 'ok'
  AND ($2::VARCHAR[] IS NULL OR d.doc_id IN (SELECT unnest($2::VARCHAR[])))
ORDER BY d.doc_id

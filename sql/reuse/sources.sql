-- What each `ok` document's reuse signature is made from: its content hash, the code version
-- of its rows, and reuse's own code version ($1). A document whose source moved since the
-- last pass is compared again; the others keep their pairs.
SELECT d.doc_id, f.content_sha256 || ':' || f.code_version || ':' || $1 AS source
FROM documents AS d
JOIN files AS f USING (doc_id)
WHERE d.status = 'ok'
ORDER BY d.doc_id

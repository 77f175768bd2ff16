-- Each searchable (`ok`) document and its version, its content hash and the code version that
-- made its rows: the search index re-indexes a document whose version moved.
SELECT d.doc_id, d.content_sha256 || ':' || coalesce(f.code_version, '') AS version
FROM documents AS d
LEFT JOIN files AS f USING (doc_id)
WHERE d.status = 'ok'

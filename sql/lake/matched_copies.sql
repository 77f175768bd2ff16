-- The copies of a batch (registered as `copies`: doc_id, original, text_sha256) whose original
-- is an `ok` document of the lake with the very same cleaned text.
SELECT c.doc_id, c.original
FROM copies AS c
JOIN documents AS d ON d.doc_id = c.original
WHERE d.status = 'ok' AND sha256(d.text) = c.text_sha256

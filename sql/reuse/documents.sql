-- The cleaned text of every `ok` document: the input of reuse detection.
SELECT doc_id, text FROM documents WHERE status = 'ok' ORDER BY doc_id

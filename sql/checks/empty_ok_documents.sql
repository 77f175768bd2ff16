-- `ok` documents whose cleaned text is empty (every `ok` document must have a body).
SELECT doc_id FROM documents WHERE status = 'ok' AND length(trim(text)) = 0

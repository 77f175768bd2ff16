-- `ok` documents whose cleaned text is empty (every `ok` document must have a body). Each check
-- looks at the documents processed after $since (every one when NULL): what a run changed.
SELECT doc_id FROM documents
WHERE status = 'ok' AND length(trim(text)) = 0
    AND doc_id IN (SELECT doc_id FROM files WHERE $since IS NULL OR processed_at > $since)

-- `ok` documents of which cleaning kept under 2% of the characters: a rule may be too eager
-- (among the documents processed after $since; every one when NULL).
SELECT doc_id, n_chars_raw, n_chars_clean
FROM documents
WHERE status = 'ok' AND n_chars_raw > 0 AND n_chars_clean < 0.02 * n_chars_raw
    AND doc_id IN (SELECT doc_id FROM files WHERE $since IS NULL OR processed_at > $since)

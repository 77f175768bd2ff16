-- The documents most recently written, newest first: what the last runs added or changed.
SELECT d.doc_id, d.status, d.language, d.n_chars_clean, coalesce(d.title, d.reject_reason) AS title
FROM documents AS d
JOIN files AS f USING (doc_id)
ORDER BY f.processed_at DESC, d.doc_id
LIMIT 5

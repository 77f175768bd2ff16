-- The $limit strongest pairs of documents sharing text (only where the text_reuse table exists).
SELECT doc_a, doc_b, kind, similarity, share_a, share_b, n_passages, coalesce(source, 'tie')
FROM text_reuse
ORDER BY similarity DESC, n_passages DESC, doc_a, doc_b
LIMIT $limit

-- The largest reuse stories: the pairs of documents sharing the most passages.
SELECT doc_a, doc_b, kind, similarity, n_passages, source
FROM text_reuse
ORDER BY n_passages DESC, similarity DESC, doc_a, doc_b
LIMIT 5

-- Every reported pair of documents and its kind.
SELECT doc_a, doc_b, kind FROM text_reuse ORDER BY doc_a, doc_b

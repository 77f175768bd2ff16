-- Texts no document holds any more: their rows go.
SELECT text_key FROM reuse_texts
WHERE text_key NOT IN (SELECT text_key FROM reuse_documents)

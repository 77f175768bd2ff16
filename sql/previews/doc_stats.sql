-- The longest annotated documents.
SELECT doc_id, n_sentences, n_tokens, n_types, mean_sentence_len
FROM doc_stats
ORDER BY n_tokens DESC, doc_id
LIMIT 5

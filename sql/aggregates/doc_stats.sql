-- One row per annotated document: sentences, word tokens, distinct word types, mean sentence
-- length; the rows of some documents ($ids, every one when NULL) from {tokens}.
SELECT
    doc_id,
    count(DISTINCT sent_idx) AS n_sentences,
    count(*) FILTER (WHERE NOT is_punct AND pos <> 'SPACE') AS n_tokens,
    count(DISTINCT lower(text)) FILTER (WHERE NOT is_punct AND pos <> 'SPACE') AS n_types,
    round(n_tokens / n_sentences, 2) AS mean_sentence_len
FROM {tokens}
WHERE $ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[]))
GROUP BY doc_id

-- Lemmas of words (no punctuation or spaces) by part of speech: occurrences and documents.
-- Kept by difference: this is the contribution of some documents ($ids, every one when NULL)
-- times $sign (+1 added, -1 taken away), read from {tokens} (the lake's, or a batch's rows).
SELECT lemma, pos, $sign * count(*) AS count, $sign * count(DISTINCT doc_id) AS documents
FROM {tokens}
WHERE NOT is_punct AND pos <> 'SPACE'
    AND ($ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[])))
GROUP BY lemma, pos

-- The content tokens of every sentence (not stop words, not punctuation, a content part of
-- speech from the list $1): the input of rewrite detection, filtered here so that only a
-- fraction of the tokens table leaves DuckDB. Each row names its document by `did`, its index
-- in the sorted doc_ids $2 (those of the signatures), and its lemma by `lemma_key`, a 64-bit
-- hash of it (lemma_names.sql gives the lemma of each key): on 4 copies of BBC ~2 M rows of
-- three numbers instead of two strings. Unordered: detection groups them by sentence itself.
WITH ids AS (
    SELECT
        unnest($2::VARCHAR[]) AS doc_id,
        (generate_subscripts($2::VARCHAR[], 1) - 1)::INTEGER AS did
)
SELECT ids.did, t.sent_idx, hash(t.lemma) AS lemma_key
FROM tokens AS t
JOIN ids USING (doc_id)
WHERE NOT t.is_stop AND NOT t.is_punct AND list_contains($1, t.pos)

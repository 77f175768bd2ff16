-- The content tokens of every sentence (not stop words, not punctuation, a content part of
-- speech from the list $1): the input of rewrite detection, filtered here so that only a
-- fraction of the tokens table leaves DuckDB. Each row names its document by `did`, its index
-- in the sorted doc_ids $2 (those of the signatures), not by the doc_id string: on 4 copies of
-- BBC the strings were 53 of the 84 MB these rows take. Unordered: detection groups them by
-- sentence itself, and sorting ~2 M rows for nothing held DuckDB's memory up during the pass.
WITH ids AS (
    SELECT
        unnest($2::VARCHAR[]) AS doc_id,
        (generate_subscripts($2::VARCHAR[], 1) - 1)::INTEGER AS did
)
SELECT ids.did, t.sent_idx, t.lemma, t.pos, t.is_stop, t.is_punct
FROM tokens AS t
JOIN ids USING (doc_id)
WHERE NOT t.is_stop AND NOT t.is_punct AND list_contains($1, t.pos)

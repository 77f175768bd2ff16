-- The content tokens of every sentence (not stop words, not punctuation, a content part of
-- speech from the list $1): the input of rewrite detection, filtered here so that only a
-- fraction of the tokens table leaves DuckDB. Unordered: detection groups them by sentence
-- itself, and sorting ~2 M rows for nothing held DuckDB's memory up during the pass.
SELECT doc_id, sent_idx, tok_idx, lemma, pos, is_stop, is_punct
FROM tokens
WHERE NOT is_stop AND NOT is_punct AND list_contains($1, pos)

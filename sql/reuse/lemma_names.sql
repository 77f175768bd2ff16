-- The lemma of each `lemma_key` that tokens.sql gives (content tokens: not stop words, not
-- punctuation, a content part of speech from the list $1): one row per distinct lemma.
SELECT DISTINCT hash(lemma) AS lemma_key, lemma
FROM tokens
WHERE NOT is_stop AND NOT is_punct AND list_contains($1, pos)

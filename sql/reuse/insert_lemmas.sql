-- The sentence postings of the new texts (the registered `reuse_new_texts`, one document per
-- text, whose tokens are the temporary `reuse_new_tokens`): each distinct content lemma (not a stop word or punctuation, a part of speech of
-- the list $1, lower-cased, keyed by its md5) of each sentence with at least $2 of them. A
-- model without a tagger or lemmatizer (pos '', lemma ''): every such word, as written.
-- Shorter sentences ("Read more", a byline) match by chance and are not evidence.
INSERT INTO reuse_lemmas
SELECT text_key, sent_idx, lemma
FROM (
    SELECT DISTINCT n.text_key, t.sent_idx, md5_number_lower(lower(trim(t.lemma))) AS lemma
    FROM reuse_new_tokens AS t
    JOIN reuse_new_texts AS n USING (doc_id)
    WHERE NOT t.is_stop AND NOT t.is_punct AND (list_contains($1, t.pos) OR t.pos = '')
      AND regexp_matches(t.lemma, '\w')
)
QUALIFY count(*) OVER (PARTITION BY text_key, sent_idx) >= $2

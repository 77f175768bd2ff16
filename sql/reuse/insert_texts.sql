-- The new texts (the registered `reuse_new_texts`: signature and one document per text) with
-- their words, read from that document's tokens (the temporary `reuse_new_tokens`; not
-- punctuation, not white space) in order: the md5 of the lower-cased lemmas of the word and
-- the two after it (null → 0 where a gram of stop words only starts, or fewer than three
-- words are left), offsets, sentence, stop.
INSERT INTO reuse_texts
WITH words AS (
    SELECT
        n.text_key, t.tok_idx, t.sent_idx, t.start_char, t.is_stop,
        t.start_char + length(t.text) AS end_char,
        lower(t.lemma) AS lemma
    FROM reuse_new_tokens AS t
    JOIN reuse_new_texts AS n USING (doc_id)
    WHERE NOT t.is_punct AND t.pos <> 'SPACE' AND regexp_matches(t.text, '\S')
),
grams AS (
    SELECT
        *,
        CASE
            WHEN is_stop AND lead(is_stop, 1) OVER w AND lead(is_stop, 2) OVER w THEN NULL
            ELSE md5_number_lower(lemma || ' ' || lead(lemma, 1) OVER w || ' ' || lead(lemma, 2) OVER w)
        END AS gram
    FROM words
    WINDOW w AS (PARTITION BY text_key ORDER BY tok_idx)
),
lists AS (
    SELECT
        text_key,
        list(coalesce(gram, 0) ORDER BY tok_idx) AS grams,
        list(start_char ORDER BY tok_idx) AS starts,
        list(end_char::INTEGER ORDER BY tok_idx) AS ends,
        list(sent_idx ORDER BY tok_idx) AS sents,
        list(is_stop ORDER BY tok_idx) AS stops
    FROM grams
    GROUP BY text_key
),
sentences AS (
    SELECT text_key, count(DISTINCT sent_idx)::INTEGER AS n_sentences
    FROM reuse_lemmas
    WHERE text_key IN (SELECT text_key FROM reuse_new_texts)
    GROUP BY text_key
)
SELECT
    n.text_key, n.text_hash, n.minhash, n.n_chars,
    coalesce(s.n_sentences, 0) AS n_sentences,
    coalesce(l.grams, []) AS grams,
    coalesce(l.starts, []) AS starts,
    coalesce(l.ends, []) AS ends,
    coalesce(l.sents, []) AS sents,
    coalesce(l.stops, []) AS stops
FROM reuse_new_texts AS n
LEFT JOIN lists AS l USING (text_key)
LEFT JOIN sentences AS s USING (text_key)

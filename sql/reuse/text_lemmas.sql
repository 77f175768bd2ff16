-- The content lemmas of each sentence of the texts of the registered `reuse_wanted`, with
-- their inverse document frequency over every text's sentences: ln((N + 1) / (df + 1)), N the
-- sentences, df those holding the lemma. Copies count once (the postings are per text).
WITH mine AS (
    SELECT text_key, sent_idx, lemma
    FROM reuse_lemmas
    WHERE text_key IN (SELECT text_key FROM reuse_wanted)
),
df AS (
    SELECT lemma, count(*) AS df
    FROM reuse_lemmas
    WHERE lemma IN (SELECT lemma FROM mine)
    GROUP BY lemma
),
total AS (SELECT sum(n_sentences) AS n FROM reuse_texts)
SELECT m.text_key, m.sent_idx, m.lemma, ln((total.n + 1) / (df.df + 1)) AS idf
FROM mine AS m
JOIN df USING (lemma)
CROSS JOIN total
ORDER BY m.text_key, m.sent_idx, m.lemma

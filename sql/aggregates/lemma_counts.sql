-- Lemmas of words (no punctuation or spaces) by part of speech: occurrences and documents.
SELECT lemma, pos, count(*) AS count, count(DISTINCT doc_id) AS documents
FROM tokens
WHERE NOT is_punct AND pos <> 'SPACE'
GROUP BY lemma, pos
ORDER BY count DESC, lemma, pos

-- The most frequent content words: nouns, proper nouns, verbs and adjectives.
SELECT lemma, pos, count, documents
FROM lemma_counts
WHERE pos IN ('NOUN', 'PROPN', 'VERB', 'ADJ')
ORDER BY count DESC, lemma, pos
LIMIT 5

-- The lemmas of a word ($1, lower-cased): of its forms, or the word itself when it is a lemma.
SELECT DISTINCT lemma FROM word_counts WHERE word = $1 OR lemma = $1 ORDER BY lemma

-- The strongest collocations of the corpus by log-likelihood, each pair once.
SELECT lemma, collocate, cooccurrences, pmi, log_likelihood
FROM collocations
QUALIFY row_number() OVER (
    PARTITION BY least(lemma, collocate), greatest(lemma, collocate) ORDER BY lemma
) = 1
ORDER BY log_likelihood DESC, lemma, collocate
LIMIT 5

-- Occurrences of the word $1 (lower-cased), or with $2 of any form of the lemmas $3.
SELECT coalesce(sum(occurrences), 0)::BIGINT
FROM word_counts
WHERE CASE WHEN $2 THEN lemma IN (SELECT unnest($3::VARCHAR[])) ELSE word = $1 END

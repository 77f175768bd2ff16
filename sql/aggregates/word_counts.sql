-- Every word as spaCy cut it, lower-cased, with its lemma: occurrences and documents (kept by
-- difference, as lemma_counts.sql says); keyword in context's totals and a lemma's forms.
SELECT lower(text) AS word, lower(lemma) AS lemma,
    $sign * count(*) AS occurrences, $sign * count(DISTINCT doc_id) AS documents
FROM {tokens}
WHERE pos <> 'SPACE'
    AND ($ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[])))
GROUP BY lower(text), lower(lemma)

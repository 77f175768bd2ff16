-- Ordered pairs of different content lemmas within 5 tokens of each other in one sentence:
-- co-occurrences and documents, from the content tokens of collocation_content.sql (the
-- temporary table collocation_content), times $sign (kept by difference; see lemma_counts.sql).
SELECT a.lemma, b.lemma AS collocate,
    $sign * count(*) AS cooccurrences, $sign * count(DISTINCT a.doc_id) AS documents
FROM collocation_content AS a
JOIN collocation_content AS b
    ON a.doc_id = b.doc_id
    AND a.sent_idx = b.sent_idx
    AND b.tok_idx BETWEEN a.tok_idx - 5 AND a.tok_idx + 5
    AND a.lemma <> b.lemma
GROUP BY a.lemma, b.lemma

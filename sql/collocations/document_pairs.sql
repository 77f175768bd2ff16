-- Per document, the ordered (node, collocate) pairs of different content lemmas found within
-- 5 tokens of each other in the same sentence, and how often; read from the content tokens
-- of content.sql (the temporary table collocation_content).
SELECT
    a.doc,
    a.lemma,
    b.lemma AS collocate,
    count(*) AS cooccurrences
FROM collocation_content AS a
JOIN collocation_content AS b
    ON a.doc = b.doc
    AND a.sent_idx = b.sent_idx
    AND b.tok_idx BETWEEN a.tok_idx - 5 AND a.tok_idx + 5
    AND a.lemma <> b.lemma
GROUP BY a.doc, a.lemma, b.lemma

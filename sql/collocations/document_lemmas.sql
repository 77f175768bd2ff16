-- Per document, each content lemma and its occurrences; read from the content tokens of
-- content.sql (the temporary table collocation_content).
SELECT doc, lemma, count(*) AS n
FROM collocation_content
GROUP BY doc, lemma

-- Pairs of distinct entities (by norm) named in the same sentence: sentences and documents.
WITH mentions AS (
    SELECT DISTINCT doc_id, sent_idx, norm FROM entities
)
SELECT a.norm AS a, b.norm AS b, count(*) AS sentences, count(DISTINCT a.doc_id) AS documents
FROM mentions AS a
JOIN mentions AS b ON a.doc_id = b.doc_id AND a.sent_idx = b.sent_idx AND a.norm < b.norm
GROUP BY a.norm, b.norm
ORDER BY sentences DESC, documents DESC, a, b

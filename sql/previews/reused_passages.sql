-- The longest shared passages, with the text of each side.
WITH longest AS (
    SELECT * FROM reused_passages ORDER BY end_a - start_a DESC, doc_a, start_a LIMIT 5
)
SELECT p.doc_a, substr(a.text, p.start_a + 1, p.end_a - p.start_a) AS passage_a,
    p.doc_b, substr(b.text, p.start_b + 1, p.end_b - p.start_b) AS passage_b, p.method, p.score
FROM longest AS p
JOIN documents AS a ON a.doc_id = p.doc_a
JOIN documents AS b ON b.doc_id = p.doc_b
ORDER BY p.end_a - p.start_a DESC, p.doc_a, p.start_a

-- The reused_passages rows of the documents $1 (NULL: of every document), as
-- document_pairs.sql pairs them: their texts' passages, and the whole text for two documents
-- holding the same text. Offsets are characters into each document's `documents.text`.
WITH docs AS (
    SELECT r.doc_id, r.text_key, t.n_chars
    FROM reuse_documents AS r
    JOIN reuse_texts AS t USING (text_key)
),
focus AS (
    SELECT * FROM docs
    WHERE $1::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($1::VARCHAR[]))
),
text_passages AS (
    SELECT text_a AS mine, start_a AS my_start, end_a AS my_end,
           text_b AS theirs, start_b AS their_start, end_b AS their_end, score, method
    FROM reuse_text_passages
    UNION ALL
    SELECT text_b, start_b, end_b, text_a, start_a, end_a, score, method
    FROM reuse_text_passages
),
passages AS (
    SELECT f.doc_id AS me, o.doc_id AS other, p.my_start, p.my_end, p.their_start,
           p.their_end, p.score, p.method
    FROM focus AS f
    JOIN text_passages AS p ON p.mine = f.text_key
    JOIN docs AS o ON o.text_key = p.theirs
    UNION ALL
    SELECT f.doc_id, o.doc_id, 0, f.n_chars, 0, o.n_chars, 1.0, 'ngram'
    FROM focus AS f
    JOIN docs AS o ON o.text_key = f.text_key AND o.doc_id <> f.doc_id
)
SELECT
    least(me, other) AS doc_a,
    (CASE WHEN me < other THEN my_start ELSE their_start END)::INTEGER AS start_a,
    (CASE WHEN me < other THEN my_end ELSE their_end END)::INTEGER AS end_a,
    greatest(me, other) AS doc_b,
    (CASE WHEN me < other THEN their_start ELSE my_start END)::INTEGER AS start_b,
    (CASE WHEN me < other THEN their_end ELSE my_end END)::INTEGER AS end_b,
    score::DOUBLE AS score,
    method
FROM passages
WHERE me < other OR other NOT IN (SELECT doc_id FROM focus)
ORDER BY doc_a, doc_b, start_a, start_b

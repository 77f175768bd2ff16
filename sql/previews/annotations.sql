-- The documents most recently annotated, newest first: their sentences, tokens and entities.
WITH recent AS (
    SELECT f.doc_id, f.processed_at
    FROM files AS f
    JOIN documents AS d USING (doc_id)
    WHERE d.status = 'ok'
    ORDER BY f.processed_at DESC, f.doc_id
    LIMIT 5
)
SELECT
    r.doc_id,
    (SELECT count(*) FROM sentences AS s WHERE s.doc_id = r.doc_id) AS sentences,
    (SELECT count(*) FROM tokens AS t WHERE t.doc_id = r.doc_id) AS tokens,
    (SELECT count(*) FROM entities AS e WHERE e.doc_id = r.doc_id) AS entities
FROM recent AS r
ORDER BY r.processed_at DESC, r.doc_id

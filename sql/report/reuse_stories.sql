-- The $limit largest stories (documents linked by reuse: reuse_clusters), each with its
-- earliest source: the member published first, else the one whose file was seen first.
WITH members AS (
    SELECT c.cluster_id, c.doc_id, d.title, d.published_date, f.first_seen
    FROM reuse_clusters AS c
    JOIN documents AS d USING (doc_id)
    JOIN files AS f USING (doc_id)
),
stories AS (
    SELECT
        cluster_id,
        count(*) AS documents,
        first(doc_id ORDER BY published_date NULLS LAST, first_seen, doc_id) AS source,
        first(title ORDER BY published_date NULLS LAST, first_seen, doc_id) AS title,
        first(coalesce(published_date, timezone('UTC', first_seen)::DATE)
              ORDER BY published_date NULLS LAST, first_seen, doc_id) AS day,
        first(published_date IS NULL ORDER BY published_date NULLS LAST, first_seen, doc_id)
            AS day_is_first_seen
    FROM members
    GROUP BY cluster_id
),
pairs AS (
    SELECT c.cluster_id, count(*) AS pairs
    FROM text_reuse AS p
    JOIN reuse_clusters AS c ON c.doc_id = p.doc_a
    GROUP BY c.cluster_id
)
SELECT s.cluster_id, s.documents, coalesce(p.pairs, 0) AS pairs, s.source, s.title, s.day,
       s.day_is_first_seen
FROM stories AS s
LEFT JOIN pairs AS p USING (cluster_id)
ORDER BY s.documents DESC, pairs DESC, s.cluster_id
LIMIT $limit

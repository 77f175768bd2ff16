-- The largest stories: documents that share text, grouped under their earliest member.
SELECT cluster_id AS story, count(*) AS documents, min(doc_id) AS first_by_name,
    max(doc_id) AS last_by_name
FROM reuse_clusters
GROUP BY cluster_id
ORDER BY documents DESC, story
LIMIT 5

-- Every document of the stories (clusters) that the documents $1 belong to.
SELECT doc_id FROM reuse_clusters
WHERE cluster_id IN (
    SELECT cluster_id FROM reuse_clusters WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))
)

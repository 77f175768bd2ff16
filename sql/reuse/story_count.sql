-- Stories: groups of documents linked by reuse.
SELECT count(DISTINCT cluster_id) FROM reuse_clusters

-- The latest days and their most mentioned entities.
SELECT day, norm, label, mentions, documents
FROM entity_timeline
ORDER BY day DESC, mentions DESC, norm, label
LIMIT 5

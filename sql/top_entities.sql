-- Which entities are mentioned in the most documents?
SELECT norm, label, documents, mentions
FROM entity_counts
ORDER BY documents DESC, mentions DESC, norm
LIMIT 10

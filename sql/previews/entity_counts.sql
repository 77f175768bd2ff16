-- The entities named in the most documents.
SELECT norm, label, documents, mentions
FROM entity_counts
ORDER BY documents DESC, mentions DESC, norm, label
LIMIT 5

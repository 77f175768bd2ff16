-- The $limit named entities (people, places, organisations, groups, events, works...; not dates or numbers) in the most documents.
SELECT norm, label, documents, mentions
FROM entity_counts
WHERE label NOT IN ('DATE', 'TIME', 'PERCENT', 'MONEY', 'QUANTITY', 'ORDINAL', 'CARDINAL')
ORDER BY documents DESC, mentions DESC, norm, label
LIMIT $limit

-- Mentions per day of the given entities (norm and label pairs, in $norms and $labels); undated
-- documents are on no day.
SELECT t.norm, t.label, t.day, t.mentions, t.documents
FROM entity_timeline AS t
JOIN (SELECT unnest($norms::VARCHAR[]) AS norm, unnest($labels::VARCHAR[]) AS label) AS e
    ON e.norm = t.norm AND e.label = t.label
ORDER BY t.norm, t.label, t.day

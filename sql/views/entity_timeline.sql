-- One row per entity (canonical name and label) and day of its documents' published date:
-- mentions and documents that day. Undated documents are on no day.
SELECT coalesce(a.canonical, n.name) AS norm, n.label, n.day,
    sum(n.mentions)::BIGINT AS mentions, sum(n.documents)::BIGINT AS documents
FROM entity_day_counts AS n
LEFT JOIN entity_aliases AS a
    ON n.alias_candidate AND a.basis = 'corpus' AND a.alias = n.name AND a.label = n.label
GROUP BY ALL
ORDER BY day, documents DESC, mentions DESC, norm, label

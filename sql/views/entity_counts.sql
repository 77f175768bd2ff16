-- Entities by canonical name (`norm`) and label: mentions and documents; a name that
-- entity_aliases maps is counted under its full name.
SELECT coalesce(a.canonical, n.name) AS norm, n.label,
    sum(n.mentions)::BIGINT AS mentions, sum(n.documents)::BIGINT AS documents
FROM entity_name_counts AS n
LEFT JOIN entity_aliases AS a
    ON n.alias_candidate AND a.basis = 'corpus' AND a.alias = n.name AND a.label = n.label
GROUP BY ALL
ORDER BY documents DESC, mentions DESC, norm, label

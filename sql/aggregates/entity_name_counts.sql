-- Entities by the name their document gives them (`canonical`) and label: mentions and
-- documents, and whether the corpus may map the name further (kept by difference, as
-- lemma_counts.sql says). The entity_counts view merges these names through entity_aliases.
SELECT canonical AS name, label, alias_candidate,
    $sign * count(*) AS mentions, $sign * count(DISTINCT doc_id) AS documents
FROM {entities}
WHERE $ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[]))
GROUP BY canonical, label, alias_candidate

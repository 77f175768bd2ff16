-- Names a document itself merges ("Putin" after "Vladimir Putin": norm <> canonical): mentions
-- and documents per merge (kept by difference, as lemma_counts.sql says); entity_aliases shows
-- them beside the merges the corpus makes.
SELECT norm AS alias, canonical, label,
    $sign * count(*) AS mentions, $sign * count(DISTINCT doc_id) AS documents
FROM {entities}
WHERE norm <> canonical
    AND ($ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[])))
GROUP BY norm, canonical, label

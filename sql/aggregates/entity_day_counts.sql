-- Entities by name, label and the published day of their documents: mentions and documents;
-- undated documents are on no day (kept by difference, as lemma_counts.sql says).
SELECT e.canonical AS name, e.label, e.alias_candidate, d.published_date AS day,
    $sign * count(*) AS mentions, $sign * count(DISTINCT e.doc_id) AS documents
FROM {entities} AS e
JOIN {documents} AS d ON d.doc_id = e.doc_id
WHERE d.status = 'ok' AND d.published_date IS NOT NULL
    AND ($ids::VARCHAR[] IS NULL OR e.doc_id IN (SELECT unnest($ids::VARCHAR[])))
GROUP BY e.canonical, e.label, e.alias_candidate, d.published_date

-- Cleaning rules by what they removed: lines and documents (kept by difference, as
-- lemma_counts.sql says).
SELECT rule, $sign * count(*) AS lines, $sign * count(DISTINCT doc_id) AS documents
FROM {removed_lines}
WHERE $ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[]))
GROUP BY rule

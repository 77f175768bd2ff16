-- Pairs of different entity names in one sentence: sentences and documents (kept by difference,
-- as lemma_counts.sql says); a name is a candidate for a corpus alias only where every mention
-- of it in that sentence is. The entity_cooccurrence view merges them through entity_aliases.
WITH mentions AS (
    SELECT doc_id, sent_idx, canonical AS name, bool_and(alias_candidate) AS candidate
    FROM {entities}
    WHERE $ids::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($ids::VARCHAR[]))
    GROUP BY doc_id, sent_idx, canonical
)
SELECT a.name AS a, a.candidate AS a_candidate, b.name AS b, b.candidate AS b_candidate,
    $sign * count(*) AS sentences, $sign * count(DISTINCT a.doc_id) AS documents
FROM mentions AS a
JOIN mentions AS b ON a.doc_id = b.doc_id AND a.sent_idx = b.sent_idx AND a.name < b.name
GROUP BY a.name, a.candidate, b.name, b.candidate

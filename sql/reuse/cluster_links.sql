-- The reported pairs naming a document of $1 (NULL: every pair), with when each side's file
-- was first seen (what names a story).
SELECT p.doc_a, p.doc_b, fa.first_seen AS seen_a, fb.first_seen AS seen_b
FROM text_reuse AS p
JOIN files AS fa ON fa.doc_id = p.doc_a
JOIN files AS fb ON fb.doc_id = p.doc_b
WHERE $1::VARCHAR[] IS NULL
   OR p.doc_a IN (SELECT unnest($1::VARCHAR[]))
   OR p.doc_b IN (SELECT unnest($1::VARCHAR[]))

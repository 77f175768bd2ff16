-- One row per entity (norm and label) and day: its mentions and the documents mentioning it that day, by published date; an undated document counts on the UTC day its file was first seen, and such rows have date_is_first_seen = true.
WITH dated AS (
    SELECT
        d.doc_id,
        coalesce(d.published_date, timezone('UTC', f.first_seen)::DATE) AS day,
        d.published_date IS NULL AS date_is_first_seen
    FROM documents AS d
    LEFT JOIN files AS f ON f.doc_id = d.doc_id
    WHERE d.status = 'ok'
)
SELECT
    e.norm,
    e.label,
    x.day,
    x.date_is_first_seen,
    count(*) AS mentions,
    count(DISTINCT e.doc_id) AS documents
FROM entities AS e
JOIN dated AS x ON x.doc_id = e.doc_id
WHERE x.day IS NOT NULL
GROUP BY e.norm, e.label, x.day, x.date_is_first_seen
ORDER BY x.day, documents DESC, mentions DESC, e.norm, e.label

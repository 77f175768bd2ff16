-- Documents per day by published date; undated documents on the UTC day their file was first seen (date_is_first_seen).
SELECT
    coalesce(d.published_date, timezone('UTC', f.first_seen)::DATE) AS day,
    d.published_date IS NULL AS date_is_first_seen,
    count(*) AS documents
FROM documents AS d
LEFT JOIN files AS f ON f.doc_id = d.doc_id
WHERE d.status = 'ok' AND day IS NOT NULL
GROUP BY ALL
ORDER BY day, date_is_first_seen

-- The ok documents by where their published date came from: marker, html, text, or undated (no date: on no day of the charts).
SELECT
    CASE WHEN published_date IS NULL THEN 'undated' ELSE coalesce(date_source, 'unknown') END
        AS date_source,
    count(*) AS documents
FROM documents
WHERE status = 'ok'
GROUP BY ALL
ORDER BY documents DESC, date_source

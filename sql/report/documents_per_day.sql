-- Documents per day by published date; undated documents are counted apart (date_sources.sql).
SELECT published_date AS day, count(*) AS documents
FROM documents
WHERE status = 'ok' AND published_date IS NOT NULL
GROUP BY ALL
ORDER BY day

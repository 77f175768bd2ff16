-- One row per entity (norm and label) and day: its mentions and the documents mentioning it that day, by the documents' published date (documents.published_date, see date_source). Mentions in undated documents are on no day: they are not in this table.
SELECT
    e.norm,
    e.label,
    d.published_date AS day,
    count(*) AS mentions,
    count(DISTINCT e.doc_id) AS documents
FROM entities AS e
JOIN documents AS d ON d.doc_id = e.doc_id
WHERE d.status = 'ok' AND d.published_date IS NOT NULL
GROUP BY e.norm, e.label, d.published_date
ORDER BY day, documents DESC, mentions DESC, e.norm, e.label

-- Entities by normalised form and label: mentions and the documents that mention them.
SELECT norm, label, count(*) AS mentions, count(DISTINCT doc_id) AS documents
FROM entities
GROUP BY norm, label
ORDER BY documents DESC, mentions DESC, norm, label

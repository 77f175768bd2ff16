-- Cleaning rules by what they removed: lines and documents.
SELECT rule, count(*) AS lines, count(DISTINCT doc_id) AS documents
FROM removed_lines
GROUP BY rule
ORDER BY lines DESC, rule

-- Removed lines per cleaning rule, most first (the documents asset's metadata).
SELECT rule, count(*) AS lines FROM removed_lines GROUP BY rule ORDER BY lines DESC, rule

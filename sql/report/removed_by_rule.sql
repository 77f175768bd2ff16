-- Lines removed by each cleaning rule, and the documents they were removed from.
SELECT rule, lines, documents
FROM boilerplate_rules
ORDER BY lines DESC, rule

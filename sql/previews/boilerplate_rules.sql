-- The cleaning rules that removed the most lines.
SELECT rule, lines, documents FROM boilerplate_rules ORDER BY lines DESC, rule LIMIT 5

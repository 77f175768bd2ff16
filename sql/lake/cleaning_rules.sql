-- The cleaning rules as the lake has them: each rule and why what it removes is not body.
SELECT rule, reason FROM cleaning_rules ORDER BY rule

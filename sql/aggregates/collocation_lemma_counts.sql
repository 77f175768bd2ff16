-- Each content lemma's occurrences, from the temporary table collocation_content, times $sign
-- (kept by difference; see lemma_counts.sql).
SELECT lemma, $sign * count(*) AS n
FROM collocation_content
GROUP BY lemma

-- Pairs of documents sharing text, by kind.
SELECT kind, count(*) AS pairs FROM text_reuse GROUP BY kind ORDER BY kind

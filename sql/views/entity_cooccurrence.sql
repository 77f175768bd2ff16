-- Pairs of distinct entities (canonical names, a < b) named in the same sentence: sentences
-- and documents.
WITH mapped AS (
    SELECT
        CASE WHEN p.a_candidate THEN coalesce(x.canonical, p.a) ELSE p.a END AS first,
        CASE WHEN p.b_candidate THEN coalesce(y.canonical, p.b) ELSE p.b END AS second,
        p.sentences, p.documents
    FROM entity_pair_counts AS p
    LEFT JOIN entity_aliases AS x ON x.basis = 'corpus' AND x.alias = p.a
    LEFT JOIN entity_aliases AS y ON y.basis = 'corpus' AND y.alias = p.b
)
SELECT least(first, second) AS a, greatest(first, second) AS b,
    sum(sentences)::BIGINT AS sentences, sum(documents)::BIGINT AS documents
FROM mapped
WHERE first <> second
GROUP BY ALL
ORDER BY sentences DESC, documents DESC, a, b

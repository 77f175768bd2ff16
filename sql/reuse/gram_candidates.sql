-- Pairs of texts (text_a < text_b) with a side in the registered `reuse_focus` that share at
-- least $2 distinct grams, counting only grams found in 2 to $1 texts (more common ones are
-- stock phrases: they would make every pair of a topic a candidate); a pair of two texts of
-- this pass (`reuse_new`) comes once, from its lower side.
WITH mine AS (
    SELECT text_key, gram FROM reuse_grams WHERE text_key IN (SELECT text_key FROM reuse_focus)
),
indexed AS (
    SELECT gram
    FROM reuse_grams
    WHERE gram IN (SELECT gram FROM mine)
    GROUP BY gram
    HAVING count(*) BETWEEN 2 AND $1
)
SELECT least(m.text_key, o.text_key) AS text_a, greatest(m.text_key, o.text_key) AS text_b
FROM mine AS m
JOIN indexed USING (gram)
JOIN reuse_grams AS o USING (gram)
WHERE o.text_key <> m.text_key
  AND (o.text_key NOT IN (SELECT text_key FROM reuse_new) OR m.text_key < o.text_key)
GROUP BY ALL
HAVING count(*) >= $2

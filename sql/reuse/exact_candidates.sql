-- Pairs of texts (text_a < text_b) with a side in the registered `reuse_focus` whose
-- normalised texts hash the same; a pair of two texts of this pass (`reuse_new`) comes once,
-- from its lower side.
SELECT DISTINCT least(f.text_key, o.text_key) AS text_a, greatest(f.text_key, o.text_key) AS text_b
FROM reuse_texts AS f
JOIN reuse_texts AS o ON o.text_hash = f.text_hash AND o.text_key <> f.text_key
WHERE f.text_key IN (SELECT text_key FROM reuse_focus)
  AND (o.text_key NOT IN (SELECT text_key FROM reuse_new) OR f.text_key < o.text_key)

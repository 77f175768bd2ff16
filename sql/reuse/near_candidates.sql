-- Pairs of texts (text_a < text_b) with a side in the registered `reuse_focus` that share an
-- LSH band key of their MinHash signatures (near-duplicate candidates, verified by the
-- caller); a pair of two texts of this pass (`reuse_new`) comes once, from its lower side.
SELECT DISTINCT least(m.text_key, o.text_key) AS text_a, greatest(m.text_key, o.text_key) AS text_b
FROM reuse_bands AS m
JOIN reuse_bands AS o ON o.band = m.band AND o.band_key = m.band_key AND o.text_key <> m.text_key
WHERE m.text_key IN (SELECT text_key FROM reuse_focus)
  AND (o.text_key NOT IN (SELECT text_key FROM reuse_new) OR m.text_key < o.text_key)

-- Count again the keys in the registered table `touched_keys`: the groups of documents holding
-- each (a key no document holds any more gets no row).
INSERT INTO line_counts
SELECT key, count(DISTINCT grp) AS documents
FROM document_lines
WHERE key IN (SELECT key FROM touched_keys)
GROUP BY key

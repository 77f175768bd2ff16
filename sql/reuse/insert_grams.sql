-- The gram postings of the new texts (the registered `reuse_new_texts`): each distinct gram.
INSERT INTO reuse_grams
SELECT DISTINCT text_key, gram
FROM (
    SELECT text_key, unnest(grams) AS gram
    FROM reuse_texts
    WHERE text_key IN (SELECT text_key FROM reuse_new_texts)
)
WHERE gram <> 0

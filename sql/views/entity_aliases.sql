-- Every merge of entity names, to check and undo in SQL: `alias` is counted under `canonical`.
-- basis 'text': a document names the person in full ("Putin" after "Vladimir Putin" in the same
-- document; entities.norm keeps what the text said). basis 'corpus': a one-word PERSON name
-- that some documents use alone, counted under the most frequent full name ending with it,
-- when that one holds at least 80% of the documents of all such full names (else the alias
-- stays itself). `documents`: where the merge was made. The entity views read the 'corpus'
-- rows; the 'text' merges are in entities.canonical already.
WITH alone AS (
    SELECT name AS alias, sum(documents) AS documents
    FROM entity_name_counts
    WHERE label = 'PERSON' AND alias_candidate
    GROUP BY name
),
full_names AS (
    SELECT name, regexp_extract(name, '(\S+)$', 1) AS last_word, sum(documents) AS documents
    FROM entity_name_counts
    WHERE label = 'PERSON' AND contains(name, ' ')
    GROUP BY name
),
ranked AS (
    SELECT a.alias, f.name, f.documents, a.documents AS alias_documents,
        sum(f.documents) OVER (PARTITION BY a.alias) AS all_full,
        row_number() OVER (PARTITION BY a.alias ORDER BY f.documents DESC, f.name) AS rank
    FROM alone AS a
    JOIN full_names AS f ON f.last_word = a.alias
)
SELECT alias, name AS canonical, 'PERSON' AS label, 'corpus' AS basis,
    alias_documents::BIGINT AS documents
FROM ranked
WHERE rank = 1 AND documents >= 0.8 * all_full
UNION ALL
SELECT alias, canonical, label, 'text' AS basis, documents
FROM entity_merge_counts
ORDER BY alias, basis, canonical

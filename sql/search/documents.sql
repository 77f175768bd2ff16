-- What the search index holds of the documents $1: title and text (searched with BM25), and
-- the words and lemmas of their tokens as spaCy cut them, lower-cased (keyword in context
-- finds its documents by them).
WITH chosen AS (
    SELECT unnest($1::VARCHAR[]) AS doc_id
),
cut AS (
    SELECT
        doc_id,
        string_agg(replace(lower(text), ' ', '_'), ' ' ORDER BY tok_idx) AS words,
        string_agg(replace(lower(lemma), ' ', '_'), ' ' ORDER BY tok_idx) AS lemmas
    FROM tokens
    WHERE doc_id IN (SELECT doc_id FROM chosen) AND pos <> 'SPACE'
    GROUP BY doc_id
)
SELECT d.doc_id, d.title, d.text, c.words, c.lemmas
FROM documents AS d
LEFT JOIN cut AS c USING (doc_id)
WHERE d.doc_id IN (SELECT doc_id FROM chosen) AND d.status = 'ok'

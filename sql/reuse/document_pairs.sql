-- The text_reuse rows of the documents $1 (NULL: of every document): each reported pair of
-- their texts, for every document holding the other text, and every other document holding
-- the same text (an exact copy). A pair of two documents of $1 comes once. The likely source
-- is the document published first; without two different dates, the one whose file was
-- seen first; else it is a tie and names none.
WITH docs AS (
    SELECT r.doc_id, r.text_key, d.published_date AS published, f.first_seen AS seen
    FROM reuse_documents AS r
    JOIN documents AS d USING (doc_id)
    JOIN files AS f USING (doc_id)
),
focus AS (
    SELECT * FROM docs
    WHERE $1::VARCHAR[] IS NULL OR doc_id IN (SELECT unnest($1::VARCHAR[]))
),
text_pairs AS (
    SELECT text_a AS mine, text_b AS theirs, kind, similarity,
           share_a AS my_share, share_b AS their_share, n_passages
    FROM reuse_text_pairs
    UNION ALL
    SELECT text_b, text_a, kind, similarity, share_b, share_a, n_passages
    FROM reuse_text_pairs
),
pairs AS (
    SELECT f.doc_id AS me, o.doc_id AS other, p.kind, p.similarity, p.my_share, p.their_share,
           p.n_passages, f.published AS my_date, o.published AS other_date,
           f.seen AS my_seen, o.seen AS other_seen
    FROM focus AS f
    JOIN text_pairs AS p ON p.mine = f.text_key
    JOIN docs AS o ON o.text_key = p.theirs
    UNION ALL
    SELECT f.doc_id, o.doc_id, 'exact', 1.0, 1.0, 1.0, 1, f.published, o.published, f.seen, o.seen
    FROM focus AS f
    JOIN docs AS o ON o.text_key = f.text_key AND o.doc_id <> f.doc_id
),
decided AS (
    SELECT
        *,
        CASE
            WHEN my_date IS NOT NULL AND other_date IS NOT NULL AND my_date <> other_date
                THEN 'published_date'
            WHEN my_seen <> other_seen THEN 'first_seen'
            ELSE 'tie'
        END AS source_by
    FROM pairs
    WHERE me < other OR other NOT IN (SELECT doc_id FROM focus)
)
SELECT
    least(me, other) AS doc_a,
    greatest(me, other) AS doc_b,
    kind,
    similarity::DOUBLE AS similarity,
    (CASE WHEN me < other THEN my_share ELSE their_share END)::DOUBLE AS share_a,
    (CASE WHEN me < other THEN their_share ELSE my_share END)::DOUBLE AS share_b,
    n_passages::INTEGER AS n_passages,
    CASE source_by
        WHEN 'published_date' THEN CASE WHEN my_date < other_date THEN me ELSE other END
        WHEN 'first_seen' THEN CASE WHEN my_seen < other_seen THEN me ELSE other END
    END AS source,
    source_by
FROM decided
ORDER BY doc_a, doc_b

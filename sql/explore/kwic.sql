-- Keyword in context in the documents $docs (the first ones holding it): each occurrence of
-- $word (case-insensitive; with $lemma, of any form of the lemmas $forms), with up to $window
-- words either side in the same document; SPACE tokens are skipped, the text's spacing kept.
WITH words AS (
    SELECT
        doc_id,
        sent_idx,
        tok_idx,
        text,
        lemma,
        -- the token followed by a space where the text has whitespace after it
        text || CASE WHEN lead(start_char) OVER doc > start_char + length(text) THEN ' ' ELSE '' END
            AS text_ws,
        row_number() OVER doc AS n
    FROM tokens
    WHERE pos <> 'SPACE' AND doc_id IN (SELECT unnest($docs::VARCHAR[]))
    WINDOW doc AS (PARTITION BY doc_id ORDER BY tok_idx)
),
hits AS (
    SELECT doc_id, sent_idx, tok_idx, n, text, text_ws
    FROM words
    WHERE CASE
        WHEN $lemma THEN lower(lemma) IN (SELECT unnest($forms::VARCHAR[]))
        ELSE lower(text) = lower($word)
    END
    ORDER BY doc_id, tok_idx
    LIMIT $limit
)
SELECT
    h.doc_id,
    h.sent_idx,
    h.tok_idx,
    coalesce(string_agg(w.text_ws, '' ORDER BY w.n) FILTER (WHERE w.n < h.n), '') AS left_context,
    h.text AS keyword,
    substr(h.text_ws, length(h.text) + 1)
        || coalesce(string_agg(w.text_ws, '' ORDER BY w.n) FILTER (WHERE w.n > h.n), '')
        AS right_context
FROM hits AS h
JOIN words AS w ON w.doc_id = h.doc_id AND w.n BETWEEN h.n - $window AND h.n + $window
GROUP BY h.doc_id, h.sent_idx, h.tok_idx, h.n, h.text, h.text_ws
ORDER BY h.doc_id, h.tok_idx

-- The tokens of the documents $1 (one per new text), read once for the three statements that
-- derive the new texts' words and postings. A token without a lemma (a model without a
-- lemmatizer) stands for itself.
SELECT
    doc_id, tok_idx, sent_idx, start_char, text, pos, is_stop, is_punct,
    coalesce(nullif(lemma, ''), text) AS lemma
FROM tokens
WHERE doc_id IN (SELECT unnest($1::VARCHAR[]))

-- The lemmas of every token, by sentence: the input of rewrite detection.
SELECT doc_id, sent_idx, tok_idx, lemma, pos, is_stop, is_punct FROM tokens ORDER BY doc_id, tok_idx

-- What comparing needs of the texts of the registered `reuse_wanted`: signatures and words.
SELECT text_key, text_hash, minhash, n_chars, grams, starts, ends, sents, stops
FROM reuse_texts
WHERE text_key IN (SELECT text_key FROM reuse_wanted)

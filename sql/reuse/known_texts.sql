-- Which of the text keys of the registered `reuse_keys` the lake already has.
SELECT text_key FROM reuse_texts WHERE text_key IN (SELECT text_key FROM reuse_keys)

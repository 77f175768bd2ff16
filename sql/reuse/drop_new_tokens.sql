-- The new texts' tokens, once their words and postings are derived.
DROP TABLE IF EXISTS reuse_new_tokens

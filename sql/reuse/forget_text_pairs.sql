-- Forget the rows of a table naming two texts that name a text of the registered `reuse_keys`.
DELETE FROM {table}
WHERE text_a IN (SELECT text_key FROM reuse_keys) OR text_b IN (SELECT text_key FROM reuse_keys)

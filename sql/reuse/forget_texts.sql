-- Forget the rows of a table keyed by text_key for the texts of the registered `reuse_keys`.
DELETE FROM {table} WHERE text_key IN (SELECT text_key FROM reuse_keys)

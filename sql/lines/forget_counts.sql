-- Forget the counts of the keys in the registered table `touched_keys` (counted again next).
DELETE FROM line_counts WHERE key IN (SELECT key FROM touched_keys)

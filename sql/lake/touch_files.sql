-- A new stat for files whose content did not change (the registered table `touched`).
UPDATE files SET n_bytes = t.n_bytes, mtime_ns = t.mtime_ns
FROM touched AS t
WHERE files.doc_id = t.doc_id

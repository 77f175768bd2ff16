-- What the lake remembers of the files of the shards $shards.
SELECT doc_id, shard, n_bytes, mtime_ns, content_sha256, status, code_version, first_seen
FROM files
WHERE shard = ANY($shards)

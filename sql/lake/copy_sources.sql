-- Documents already in the lake that a planned file repeats byte for byte: `ok` files made by
-- the code version $version whose content hash is one of $digests.
SELECT doc_id, content_sha256
FROM files
WHERE status = 'ok' AND code_version = $version AND content_sha256 = ANY($digests)
ORDER BY first_seen, doc_id

-- A digest of every file's id, content and code version: what the derived tables depend on.
SELECT md5(coalesce(string_agg(
    doc_id || ':' || content_sha256 || ':' || code_version, '|' ORDER BY doc_id
), ''))
FROM files

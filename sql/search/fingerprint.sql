-- The searchable documents of the lake and a fingerprint of their versions (doc_id, content hash and the code version that cleaned them): the search index is rebuilt when it changes.
SELECT
    count(*) AS documents,
    md5(coalesce(string_agg(
        d.doc_id || chr(31) || coalesce(d.content_sha256, '') || chr(31) || coalesce(f.code_version, ''),
        chr(30) ORDER BY d.doc_id
    ), '')) AS fingerprint
FROM documents AS d
LEFT JOIN files AS f ON f.doc_id = d.doc_id
WHERE d.status = 'ok'

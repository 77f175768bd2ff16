-- The documents holding any of the line keys $1: to clean again when those keys' status moved.
SELECT DISTINCT doc_id FROM document_lines WHERE key IN (SELECT unnest($1::BIGINT[])) ORDER BY doc_id

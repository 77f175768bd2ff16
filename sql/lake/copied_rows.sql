-- The rows of {table} of each original in `matched_copies` (doc_id, original), under the
-- copy's doc_id.
SELECT t.* REPLACE (m.doc_id AS doc_id)
FROM {table} AS t
JOIN matched_copies AS m ON t.doc_id = m.original

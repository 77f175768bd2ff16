-- Of the registered ids `candidate_ids`, those with a `files` row: only they have rows to delete.
SELECT doc_id FROM files WHERE doc_id IN (SELECT doc_id FROM candidate_ids)

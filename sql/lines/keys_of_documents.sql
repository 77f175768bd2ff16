-- The line keys the documents in the registered table `batch_ids` hold now (before their rows
-- are replaced or deleted: their counts change).
SELECT DISTINCT key FROM document_lines WHERE doc_id IN (SELECT doc_id FROM batch_ids)
